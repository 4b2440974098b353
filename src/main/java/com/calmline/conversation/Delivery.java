package com.calmline.conversation;

import com.calmline.speech.Transcriber;
import com.calmline.telephony.CallControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gets what the line decided to the caller: replaces the call's TwiML through Twilio, notes when Twilio
 * accepted it on the call's own audio clock (the line starts speaking then, not when it decided), keeps a
 * move Twilio did not take so it can be tried again, and counts decisions for the operator. Runs on the
 * call's conversation thread, which may be behind the audio: just before sending words, it asks the audio
 * thread whether the caller has spoken since the pause the move was decided on, and if so drops the move
 * (kept, like a failed one, for the next real pause) rather than speak over them.
 */
final class Delivery {
    /** What became of an update, and the stream time by which Twilio had accepted it. */
    record Sent(CallControl.Outcome outcome, long acceptedAtMs) {
        boolean heard() {
            return outcome.heard();
        }

        boolean callEnded() {
            return outcome.delivery() == CallControl.Delivery.CALL_ENDED;
        }
    }

    private final String callSid;
    private final CallControl control;
    private final Transcriber.AudioClock clock;
    private final MeterRegistry metrics;
    private Optional<Move> failed = Optional.empty();

    Delivery(String callSid, CallControl control, Transcriber.AudioClock clock, MeterRegistry metrics) {
        this.callSid = callSid;
        this.control = control;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Says {@code move}'s words, decided on the pause at {@code decidedAtMs}, then listens again. */
    Sent deliver(Move move, long decidedAtMs) {
        return kept(move, speak(decidedAtMs, () -> control.say(callSid, move.say())));
    }

    /** Says {@code move}'s words (a callback confirmed), then ends the call. */
    Sent hangUp(Move move, long decidedAtMs) {
        return kept(move, speak(decidedAtMs, () -> control.sayThenHangUp(callSid, move.say())));
    }

    /** Says {@code move}'s words, then puts the caller in the planned queue with the plan's task attributes. */
    Sent route(Move move, Handover.Plan plan, long decidedAtMs) {
        return kept(move, speak(decidedAtMs, () -> control.route(callSid, move.say(), plan.queue(),
                plan.taskAttributes())));
    }

    private Sent kept(Move move, Sent sent) {
        CallControl.Delivery d = sent.outcome().delivery();
        failed = d == CallControl.Delivery.FAILED || d == CallControl.Delivery.STALE ? Optional.of(move)
                : Optional.empty();
        return sent;
    }

    private Sent speak(long decidedAtMs, Supplier<CallControl.Outcome> update) {
        long voice = clock.callerVoiceMs();
        if (voice > decidedAtMs) {
            return new Sent(new CallControl.Outcome("", CallControl.Delivery.STALE, "the caller spoke again at "
                    + voice + " ms, after the pause at " + decidedAtMs + " ms this was decided on"), clock.receivedMs());
        }
        return send(update);
    }

    /** Stops whatever the line is saying and listens. */
    Sent stop() {
        return send(() -> control.listen(callSid));
    }

    /** How far the call's audio has arrived. */
    long receivedMs() {
        return clock.receivedMs();
    }

    /** A move Twilio did not take, to try again at the caller's next real pause. */
    Optional<Move> failed() {
        return failed;
    }

    void counted(String action, String delivery) {
        metrics.counter("calmline.decisions", "action", action, "delivery", delivery).increment();
    }

    void talkOver() {
        metrics.counter("calmline.talkovers").increment();
    }

    private Sent send(Supplier<CallControl.Outcome> update) {
        CallControl.Outcome outcome = update.get();
        return new Sent(outcome, clock.receivedMs());
    }
}
