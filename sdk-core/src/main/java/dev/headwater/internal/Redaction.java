package dev.headwater.internal;

/**
 * Hides credentials before text reaches a log, an exception or {@code toString}. Internal: not for users.
 */
public final class Redaction {

    /** What stands for a hidden credential. */
    public static final String HIDDEN = "***";

    private Redaction() {
    }

    /**
     * Hides the user information of a URL ({@code user:password@}), with or without a scheme:
     * {@code https://alice:secret@registry:8081/x} becomes {@code https://***@registry:8081/x}, and
     * {@code alice:secret@registry:8081} becomes {@code ***@registry:8081}.
     *
     * @param url a URL, or any text naming one; null gives "null"
     * @return the text with credentials hidden
     */
    public static String url(String url) {
        if (url == null) {
            return "null";
        }
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        return at < start ? url : url.substring(0, start) + HIDDEN + url.substring(at);
    }
}
