package com.calmline.conversation;

import com.calmline.review.CallEvent;
import java.util.Optional;

/**
 * Measures one prompt of the line against the caller's voice, frame by frame. An overlap of more than
 * {@link #MIN_OVERLAP_MS} is a talk-over when the line started while the caller was speaking, or kept
 * talking more than {@link #MAX_STOP_MS} after the caller cut in; a barge-in when the caller cut in and
 * the line stopped in time. Shorter overlaps (a caller's "mm" as the line finishes) are neither.
 */
final class TalkOverMeter {
    static final long MIN_OVERLAP_MS = 300;
    static final long MAX_STOP_MS = 500;
    static final long FRAME_MS = 20;

    private final String prompt;
    private long lineStartMs = -1;
    private long lineEndMs = -1;
    private long cutInMs = -1;
    private long overlapMs;
    private boolean startedOverCaller;

    TalkOverMeter(String prompt) {
        this.prompt = prompt;
    }

    /**
     * One 20 ms frame ending at {@code atMs}: whether the caller's voice and the line's are in it, and whether
     * the caller started speaking in it while the line was talking.
     */
    void frame(long atMs, boolean callerVoice, boolean callerCutIn, boolean lineVoice) {
        if (lineVoice) {
            if (lineStartMs < 0) {
                lineStartMs = atMs - FRAME_MS;
                startedOverCaller = callerVoice;
            }
            lineEndMs = atMs;
            if (callerVoice) {
                overlapMs += FRAME_MS;
            }
        }
        if (callerCutIn && cutInMs < 0 && !startedOverCaller) {
            cutInMs = atMs - FRAME_MS;
        }
    }

    /** The prompt is over (finished, stopped or replaced): what the overlap was, if it was one. */
    Optional<CallEvent.Overlap> close(long atMs) {
        if (lineStartMs < 0) {
            return Optional.empty();
        }
        long keptTalking = cutInMs < 0 ? -1 : Math.max(0, lineEndMs - cutInMs);
        boolean talkOver = overlapMs > MIN_OVERLAP_MS && (startedOverCaller || keptTalking > MAX_STOP_MS);
        if (talkOver) {
            return Optional.of(new CallEvent.Overlap(atMs, "talk-over", prompt, lineStartMs, lineEndMs, cutInMs,
                    overlapMs, keptTalking));
        }
        if (cutInMs >= 0) {
            return Optional.of(new CallEvent.Overlap(atMs, "barge-in", prompt, lineStartMs, lineEndMs, cutInMs,
                    overlapMs, keptTalking));
        }
        return Optional.empty();
    }
}
