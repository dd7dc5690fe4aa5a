package dev.headwater.contract;

import java.util.Locale;

/**
 * How a contract protects a sensitive field's values where they are born: in clear ({@link #NONE}), encrypted
 * ({@link #ENCRYPT}: authenticated encryption under a data key; only entitled consumers read the value), or replaced by
 * a deterministic token ({@link #TOKEN}: the same value always gives the same token, so joins and keys still work, and
 * nobody reads the value back from the record). Declared by classification for the whole contract
 * ({@code protection: {pii: encrypt}}) or per field ({@code protect: token}); a field's own setting wins.
 */
public enum Protection {
    /** Written in clear. */
    NONE,
    /** Encrypted: bytes fields carry the ciphertext, string fields its base64url text. */
    ENCRYPT,
    /** A deterministic token in place of the value: string fields only. */
    TOKEN;

    /** @return the name used in contracts and registry metadata: {@code none}, {@code encrypt} or {@code token} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id {@code none}, {@code encrypt} or {@code token}, in any case
     * @return the protection
     * @throws IllegalArgumentException naming the choices
     */
    public static Protection of(String id) {
        for (Protection protection : values()) {
            if (protection.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
                return protection;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not none, encrypt or token");
    }
}
