package com.calmline.conversation;

import java.util.List;

/**
 * Where a routed caller goes and what goes with them to the agent. The line decides when to route; the
 * handover chooses the queue and builds what the agent sees, from what the line heard and said.
 */
public interface Handover {
    /** A turn of the conversation as the agent should read it: who ({@code caller|line}), when, what, how angry. */
    record Line(String speaker, long startMs, String text, double anger) {
        public boolean caller() {
            return speaker.equals("caller");
        }
    }

    /**
     * The call as the line knows it at the moment of routing. {@code callerWords}: all the caller said, as
     * recognised; {@code transcript}: both sides in order; {@code issue}: the problem as the line says it back (or
     * what it is about), {@code problem}: the same in the caller's own words; {@code alreadySaid}: what the caller has heard from
     * the line, greeting aside, the route's own words last.
     */
    record Facts(String callSid, String callerWords, List<Line> transcript, String issue, String problem, String feeling,
                 String request, double angerNow, double angerPeak, String angerTrend, double ventingSeconds,
                 List<String> alreadySaid, String reason) {
    }

    /**
     * The queue and why, the two likeliest topics (best first), and the task attributes (JSON) that travel with
     * the caller.
     */
    record Plan(String queue, String topic, double confidence, String reason, List<String> likeliest,
                String taskAttributes) {
    }

    /**
     * What the caller's words so far point to: the two likeliest topics, best first; {@code ask}: the topic is
     * too unsure to route on and the caller is not headed where their anger decides (de-escalation), so a calm
     * caller may be asked which of the two it is.
     */
    record Guess(String first, String second, double confidence, boolean ask) {
    }

    /** The topic the caller's words so far point to, and whether to ask them which it is. */
    Guess guess(String callerWords, double angerPeak);

    /** Chooses the queue for the caller about to be routed; asked again if a route has to be retried. */
    Plan plan(Facts facts);

    /** Twilio took the route at {@code atMs}: the caller is waiting for an agent now. */
    void routed(Facts facts, Plan plan, long atMs);

    /** The call's audio has ended (hung up, or the stream stopped). */
    void ended(String callSid);
}
