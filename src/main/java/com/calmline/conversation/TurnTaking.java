package com.calmline.conversation;

import com.calmline.review.CallEvent;
import com.calmline.speech.Transcriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When the line may speak, on the caller's audio clock: a turn ends only after a real pause (longer while
 * the caller is angry), and the caller starting to speak while the line talks is a cut-in the line must
 * yield to. It also keeps the line's prompts as intervals of speech and measures each against the caller's
 * voice. The line's speech is heard on the outbound track when Twilio sends it; otherwise it is the
 * prompt's estimated spoken length from when Twilio accepted it, or until it was stopped.
 */
final class TurnTaking {
    enum Cue { NONE, CUT_IN, HOLD_BACK, TURN_END }

    /** Twilio may stop a prompt a little late, or say it a little longer than estimated: still its speech. */
    private static final long OUTBOUND_TAIL_MS = 1000;
    /** How recent an outbound frame must be to say the line is audible now. */
    private static final long OUTBOUND_FRESH_MS = 60;

    /** {@code endMs}: when the line should be silent; {@code plannedEndMs}: when it would have been without a stop. */
    private record Prompt(String name, long startMs, long endMs, long plannedEndMs, TalkOverMeter meter) {
    }

    private final long pauseMs;
    private final long angryPauseMs;
    private final List<CallEvent.Overlap> overlaps = new ArrayList<>();
    private Prompt prompt;
    private boolean promptHeard;
    private boolean callerSpeaking;
    private boolean heldBack;
    private long lastTurnEndMs = Long.MIN_VALUE / 2;
    private boolean outbound;
    private long outboundAtMs = Long.MIN_VALUE / 2;
    private boolean outboundSpeaking;

    TurnTaking(long pauseMs, long angryPauseMs) {
        this.pauseMs = pauseMs;
        this.angryPauseMs = angryPauseMs;
    }

    /**
     * One frame of the caller's voice activity. {@code angry}: wait the longer pause; {@code somethingToSay}:
     * the caller said something since the last turn ended, or the line has something left to deliver.
     */
    Cue caller(Transcriber.Activity a, boolean angry, boolean somethingToSay) {
        long t = a.atMs();
        boolean onset = a.speaking() && !callerSpeaking;
        callerSpeaking = a.speaking();
        boolean talking = prompt != null && (lineTalking(t) || lineVoice(t));
        if (prompt != null) {
            prompt.meter().frame(t, callerSpeaking, onset && talking, lineVoice(t));
            boolean over = outbound
                    ? t > prompt.plannedEndMs() + OUTBOUND_TAIL_MS || (t > prompt.endMs() + OUTBOUND_TAIL_MS && !outboundSpeaking)
                    : t > prompt.endMs();
            if (over) {
                close(t);
            }
        }
        boolean lineBegins = talking && !promptHeard;
        promptHeard |= talking;
        if (onset || (lineBegins && callerSpeaking)) {
            heldBack = false;
            return talking ? Cue.CUT_IN : Cue.NONE;
        }
        if (callerSpeaking || !somethingToSay) {
            return Cue.NONE;
        }
        long silent = Math.min(a.silentMs(), t - lastTurnEndMs);
        if (silent >= (angry ? angryPauseMs : pauseMs)) {
            lastTurnEndMs = t;
            heldBack = false;
            return Cue.TURN_END;
        }
        if (angry && silent >= pauseMs && !heldBack) {
            heldBack = true;
            return Cue.HOLD_BACK;
        }
        return Cue.NONE;
    }

    /** The caller's voice was active in the last frame heard. */
    boolean callerSpeaking() {
        return callerSpeaking;
    }

    /** One frame of the outbound track: what the caller hears, so when the line is really audible. */
    void line(Transcriber.Activity a) {
        outbound = true;
        outboundAtMs = a.atMs();
        outboundSpeaking = a.speaking();
    }

    /** Twilio accepted a prompt at {@code startMs}; it is expected to be spoken until {@code endMs}. */
    void lineStarts(String name, long startMs, long endMs) {
        if (prompt != null) {
            close(startMs);
        }
        prompt = new Prompt(name, startMs, endMs, endMs, new TalkOverMeter(name));
        promptHeard = false;
    }

    /** Twilio accepted the update that stops the line at {@code atMs}. */
    void lineStops(long atMs) {
        if (prompt != null && atMs < prompt.endMs()) {
            prompt = new Prompt(prompt.name(), prompt.startMs(), Math.max(prompt.startMs(), atMs), prompt.plannedEndMs(),
                    prompt.meter());
        }
    }

    /** Whether a prompt of the line is being spoken at {@code atMs} (pauses between its sentences included). */
    boolean lineTalking(long atMs) {
        return prompt != null && atMs > prompt.startMs() && atMs <= prompt.endMs();
    }

    /** When the current prompt is expected to end; 0 when the line is silent. */
    long lineUntilMs() {
        return prompt == null ? 0 : prompt.endMs();
    }

    /** The call's audio has ended: the last prompt is measured too. */
    void finish(long atMs) {
        if (prompt != null) {
            close(atMs);
        }
    }

    /** Overlaps measured since the last call, oldest first. */
    List<CallEvent.Overlap> takeOverlaps() {
        List<CallEvent.Overlap> taken = List.copyOf(overlaps);
        overlaps.clear();
        return taken;
    }

    private boolean lineVoice(long t) {
        if (!outbound) {
            return lineTalking(t);
        }
        return t > prompt.startMs() && t <= prompt.plannedEndMs() + OUTBOUND_TAIL_MS && outboundSpeaking
                && t - outboundAtMs <= OUTBOUND_FRESH_MS;
    }

    private void close(long atMs) {
        Optional<CallEvent.Overlap> overlap = prompt.meter().close(atMs);
        overlap.ifPresent(overlaps::add);
        prompt = null;
    }
}
