package com.calmline.conversation;

import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.speech.Transcriber;
import java.util.Map;

/**
 * Where one call's conversation leaves its trace: the two-sided transcript, the event stream and the call
 * record's fields. The service keeps it in {@link Transcripts}; tests of the conversation keep it in memory.
 */
interface CallRecord {
    /** Something the caller or the agent said, with how angry it sounded. */
    void utterance(Transcriber.Utterance u, double anger, String level);

    /** What the line itself said, from {@code startMs} until {@code endMs}. */
    void line(long startMs, long endMs, String text);

    void event(CallEvent event);

    void update(Map<String, String> fields);

    /** The call's audio is over at {@code atMs}. */
    void end(long atMs);

    static CallRecord of(String callSid, Transcripts transcripts) {
        return new CallRecord() {
            @Override
            public void utterance(Transcriber.Utterance u, double anger, String level) {
                transcripts.utterance(u, anger, level);
            }

            @Override
            public void line(long startMs, long endMs, String text) {
                transcripts.line(callSid, startMs, endMs, text);
            }

            @Override
            public void event(CallEvent event) {
                transcripts.record(callSid, event);
            }

            @Override
            public void update(Map<String, String> fields) {
                transcripts.updateCall(callSid, fields);
            }

            @Override
            public void end(long atMs) {
                transcripts.end(callSid, atMs);
            }
        };
    }
}
