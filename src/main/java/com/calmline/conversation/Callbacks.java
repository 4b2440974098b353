package com.calmline.conversation;

import java.util.Optional;

/** Calls back a caller who asked for it, and follows up after an angry call; the line only says what was agreed. */
public interface Callbacks {
    /** Schedules the callback the caller asked for; the sentence that confirms it, or empty if it cannot be done. */
    Optional<String> requested(String callSid, String caller, String issue);

    /** The call is over: a satisfaction follow-up is scheduled if its anger peaked high. */
    void ended(String callSid, String caller, String issue, double angerPeak);
}
