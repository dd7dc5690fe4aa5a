package dev.headwater.cli;

import java.util.regex.Pattern;

/** Keeps credentials out of what the tool prints. */
final class Secrets {

    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Secrets() {
    }

    /**
     * @param text a message that may hold a URL with user info
     * @return the message with {@code user:password@} of every URL replaced by {@code ***@}
     */
    static String redact(String text) {
        String redacted = USER_INFO.matcher(text).replaceAll("***@");
        for (String variable : new String[] {"SCHEMA_REGISTRY_USER_INFO", "SCHEMA_REGISTRY_BEARER_TOKEN"}) {
            String secret = System.getenv(variable);
            if (secret != null && secret.length() >= 4) {
                redacted = redacted.replace(secret, "***");
            }
        }
        return redacted;
    }
}
