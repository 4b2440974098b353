package com.calmline.conversation;

import com.calmline.emotion.AngerMeter;
import com.calmline.review.Transcripts;
import com.calmline.speech.Transcriber;
import com.calmline.telephony.CallControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;

/**
 * When the line speaks and what it says: let an angry caller vent, wait for a real pause, acknowledge
 * them in their own words, answer a request as a request, ask a caller who named only the topic what is
 * happening, and route once they calm down, ask for a person, or have been heard long enough; stop the
 * moment the caller cuts in. One {@link CallConversation} per call carries the state.
 */
public final class VentingPolicy {
    /**
     * @param pauseMs       silence that ends a caller's turn
     * @param angryPauseMs  the same while the caller is angry: angry people pause mid-rant
     * @param maxRounds     acknowledgements before routing regardless
     * @param maxVentingSeconds venting time before routing regardless
     * @param ventingAnger  a turn this angry (0-1) makes the caller venting: they are heard out and acknowledged
     * @param calmAnger     a venting caller's turn must fall below this to count as no longer venting
     * @param promptAfterMs silence after which the line speaks rather than leave the caller in dead air: after
     *                      a turn it chose to wait on, and after its own questions and acknowledgements
     * @param silentStartMs the same after the greeting, for a caller who has said nothing yet
     */
    public record Settings(long pauseMs, long angryPauseMs, int maxRounds, double maxVentingSeconds,
                           double ventingAnger, double calmAnger, long promptAfterMs, long silentStartMs) {
    }

    private final Settings settings;
    private final PromptBook prompts;
    private final TurnReader reader;
    private final AngerMeter meter;
    private final CallControl control;
    private final Transcripts transcripts;
    private final Handover handover;
    private final Callbacks callbacks;
    private final MeterRegistry metrics;

    public VentingPolicy(Settings settings, Path promptsDir, AngerMeter meter, CallControl control,
                         Transcripts transcripts, Handover handover, Callbacks callbacks, MeterRegistry metrics)
            throws IOException {
        this.settings = settings;
        this.prompts = PromptBook.load(promptsDir);
        this.reader = TurnReader.load(meter);
        this.meter = meter;
        this.control = control;
        this.transcripts = transcripts;
        this.handover = handover;
        this.callbacks = callbacks;
        this.metrics = metrics;
        // Registered at zero so an operator can alert on it before the first one ever happens.
        metrics.counter("calmline.talkovers");
    }

    public String greeting() {
        return prompts.greeting;
    }

    /** What a caller who asks for a person hears as they are put through. */
    public String lostPrompt() {
        return prompts.lost;
    }

    /** What a caller hears when every transcribed line is busy, as they are put through. */
    public String overflowPrompt() {
        return prompts.overflow;
    }

    public String personPrompt() {
        return prompts.request(new Request(Request.Kind.PERSON, "")).text();
    }

    /** The conversation for one call, fed by that call's transcriber, on the call's audio clock. */
    public Transcriber.Listener forCall(String callSid, String caller, Transcriber.AudioClock clock) {
        return new CallConversation(callSid, settings, prompts, reader, meter.caller(), meter.caller(),
                new Delivery(callSid, control, clock, metrics), CallRecord.of(callSid, transcripts), handover,
                callbacks, caller);
    }
}
