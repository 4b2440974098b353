package com.calmline.conversation;

import java.util.Locale;

/** What the line does at the end of a caller's turn, what it says doing it, and why. */
record Move(Action action, String say, String reason) {
    enum Action {
        ACKNOWLEDGE, ASK, ROUTE, CALLBACK, WAIT;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Move waiting(String reason) {
        return new Move(Action.WAIT, "", reason);
    }

    boolean speaks() {
        return action != Action.WAIT;
    }
}
