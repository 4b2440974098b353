package com.calmline.conversation;

import java.util.Locale;

/**
 * What the line does at the end of a caller's turn, what it says doing it, and why; {@code saidBack}: the part of
 * what it says that repeats the caller's own words (turned round), empty when it repeats none.
 */
record Move(Action action, String say, String reason, String saidBack) {
    enum Action {
        /** {@code CLARIFY}: the one closed question of which of two topics the call is about. */
        ACKNOWLEDGE, ASK, CLARIFY, OFFER, ROUTE, CALLBACK, WAIT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Move(Action action, String say, String reason) {
        this(action, say, reason, "");
    }

    static Move waiting(String reason) {
        return new Move(Action.WAIT, "", reason);
    }

    boolean speaks() {
        return action != Action.WAIT;
    }
}
