package com.calmline.agent;

import java.util.List;

/**
 * What the agent who takes a call sees before saying a word: who is calling and how often they have, what
 * about, the problem (in their own words, and as the line said it back), how angry they were and are, what
 * the line already said (so the agent does not repeat the apology or the question), and what to say first.
 */
public record ScreenPop(String callSid, Caller caller, String topic, double confidence, String queue, String routeReason,
                        String issue, String problem, String feeling, String request, List<String> keyLines,
                        double angerNow, String angerLevel, double angerPeak, String peakLevel, String angerTrend,
                        double ventingSeconds, List<String> alreadySaid, String suggestedOpening,
                        List<String> suggestedResolutions, String routedAt, List<Turn> transcript) {

    /** A screen-pop stored before the caller's own words were kept has none. */
    public ScreenPop {
        problem = problem == null ? "" : problem;
    }

    /** The caller's number and their earlier calls (count, last date, last topic), this call excluded. */
    public record Caller(String number, int earlierCalls, String lastCallDate, String lastTopic) {
    }

    /** One turn: {@code caller}, {@code line} (what the line said) or {@code agent}; anger for caller turns. */
    public record Turn(String speaker, long startMs, String text, Double anger) {
    }

    ScreenPop withCaller(Caller known) {
        return new ScreenPop(callSid, known, topic, confidence, queue, routeReason, issue, problem, feeling, request,
                keyLines, angerNow, angerLevel, angerPeak, peakLevel, angerTrend, ventingSeconds, alreadySaid,
                suggestedOpening, suggestedResolutions, routedAt, transcript);
    }

    /** This screen-pop shown for another call: a customer who answered a callback about this one, queued now. */
    ScreenPop forCallback(String callbackSid, String callbackQueue, String reason, String queuedAt) {
        return new ScreenPop(callbackSid, caller, topic, confidence, callbackQueue, reason, issue, problem, feeling,
                request, keyLines, angerNow, angerLevel, angerPeak, peakLevel, angerTrend, ventingSeconds, alreadySaid,
                suggestedOpening, suggestedResolutions, queuedAt, transcript);
    }

    ScreenPop withTranscript(List<Turn> live) {
        return new ScreenPop(callSid, caller, topic, confidence, queue, routeReason, issue, problem, feeling, request,
                keyLines, angerNow, angerLevel, angerPeak, peakLevel, angerTrend, ventingSeconds, alreadySaid,
                suggestedOpening, suggestedResolutions, routedAt, live);
    }
}
