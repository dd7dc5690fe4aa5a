package dev.headwater.contract;

import java.util.Objects;

/**
 * The team that owns a data product and how to reach it.
 *
 * @param team the owning team, such as {@code team-orders}
 * @param contact an address or channel, may be empty
 */
public record Owner(String team, String contact) {
    /** Checks the parts. */
    public Owner {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(contact, "contact");
    }
}
