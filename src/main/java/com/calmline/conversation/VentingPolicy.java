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
 * them in their own words, and route them once they calm down, ask for a person, or have been heard
 * long enough. One {@link CallConversation} per call carries the state.
 */
public final class VentingPolicy {
    /**
     * @param pauseMs       silence that ends a caller's turn
     * @param angryPauseMs  the same while the caller is angry: angry people pause mid-rant
     * @param maxRounds     acknowledgements before routing regardless
     * @param maxVentingSeconds venting time before routing regardless
     * @param queue         the queue routed callers wait in
     */
    public record Settings(long pauseMs, long angryPauseMs, int maxRounds, double maxVentingSeconds, String queue) {
    }

    private final Settings settings;
    private final PromptBook prompts;
    private final IssueExtractor issues = IssueExtractor.load();
    private final AngerMeter meter;
    private final CallControl control;
    private final Transcripts transcripts;
    private final MeterRegistry metrics;

    public VentingPolicy(Settings settings, Path promptsDir, AngerMeter meter, CallControl control,
                         Transcripts transcripts, MeterRegistry metrics) throws IOException {
        this.settings = settings;
        this.prompts = PromptBook.load(promptsDir);
        this.meter = meter;
        this.control = control;
        this.transcripts = transcripts;
        this.metrics = metrics;
        // Registered at zero so an operator can alert on it before the first one ever happens.
        metrics.counter("calmline.talkovers");
    }

    public String greeting() {
        return prompts.greeting;
    }

    /** The conversation for one call, fed by that call's transcriber. */
    public Transcriber.Listener forCall(String callSid) {
        return new CallConversation(callSid, settings, prompts, issues, meter.caller(), control, transcripts,
                metrics);
    }
}
