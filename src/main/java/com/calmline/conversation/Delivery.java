package com.calmline.conversation;

import com.calmline.speech.Transcriber;
import com.calmline.telephony.CallControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gets what the line decided to the caller: replaces the call's TwiML through Twilio, notes when Twilio
 * accepted it on the call's own audio clock (the line starts speaking then, not when it decided), keeps a
 * move Twilio did not take so it can be tried again, and counts decisions for the operator.
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

    /** Says {@code move}'s words, then listens again. */
    Sent deliver(Move move) {
        return kept(move, send(() -> control.say(callSid, move.say())));
    }

    /** Says {@code move}'s words (a callback confirmed), then ends the call. */
    Sent hangUp(Move move) {
        return kept(move, send(() -> control.sayThenHangUp(callSid, move.say())));
    }

    /** Says {@code move}'s words, then puts the caller in the planned queue with the plan's task attributes. */
    Sent route(Move move, Handover.Plan plan) {
        return kept(move, send(() -> control.route(callSid, move.say(), plan.queue(), plan.taskAttributes())));
    }

    private Sent kept(Move move, Sent sent) {
        failed = sent.outcome().delivery() == CallControl.Delivery.FAILED ? Optional.of(move) : Optional.empty();
        return sent;
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
