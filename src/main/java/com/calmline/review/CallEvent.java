package com.calmline.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What happened on a call, in the caller's audio time ({@code atMs}: ms into the stream when it happened).
 * The event stream ({@code call:{sid}:events}) is these records as JSON, one per entry, with a {@code type}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = CallEvent.Utterance.class, name = "utterance"),
        @JsonSubTypes.Type(value = CallEvent.Decision.class, name = "decision"),
        @JsonSubTypes.Type(value = CallEvent.Overlap.class, name = "overlap"),
        @JsonSubTypes.Type(value = CallEvent.Dtmf.class, name = "dtmf"),
        @JsonSubTypes.Type(value = CallEvent.Route.class, name = "route"),
        @JsonSubTypes.Type(value = CallEvent.ScreenPop.class, name = "screenpop"),
        @JsonSubTypes.Type(value = CallEvent.Callback.class, name = "callback"),
        @JsonSubTypes.Type(value = CallEvent.Summary.class, name = "summary"),
        @JsonSubTypes.Type(value = CallEvent.AgentJoined.class, name = "agent-joined"),
        @JsonSubTypes.Type(value = CallEvent.End.class, name = "end")})
public sealed interface CallEvent {
    long atMs();

    /** Something a speaker said, as recognised, with how angry it sounded. */
    record Utterance(long atMs, String track, String text, long startMs, long endMs, double anger,
                     String angerLevel) implements CallEvent {
    }

    /**
     * What the line decided at a moment of the call and why; {@code lineUntilMs} is when the line expects to
     * have finished talking (0 when it is silent). {@code request}: what the caller's turn asked for, as the line
     * heard it ({@code person}, {@code callback} …); {@code saidBack}: the caller's own words (turned round) in
     * what the line says.
     */
    record Decision(long atMs, String action, String state, String reason, long silenceMs, String say,
                    String twiml, String delivery, @JsonInclude(JsonInclude.Include.NON_EMPTY) String detail,
                    double anger, long lineUntilMs, @JsonInclude(JsonInclude.Include.NON_EMPTY) String request,
                    @JsonInclude(JsonInclude.Include.NON_EMPTY) String saidBack) implements CallEvent {
    }

    /**
     * The line's speech and the caller's voice overlapped by more than a moment: a {@code talk-over} (the line
     * started while the caller spoke, or kept talking after they cut in) or a {@code barge-in} (the caller cut
     * in and the line stopped in time). {@code cutInMs} is -1 when the line started over the caller.
     */
    record Overlap(long atMs, String kind, String prompt, long lineStartMs, long lineEndMs, long cutInMs,
                   long overlapMs, long stoppedAfterMs) implements CallEvent {
    }

    record Dtmf(long atMs, String digit) implements CallEvent {
    }

    /** The caller was put in {@code queue}: their topic, how sure, and why this queue. */
    record Route(long atMs, String queue, String topic, double confidence, String reason) implements CallEvent {
    }

    /** What the agent who takes the call sees first (the live version is at /api/calls/{sid}/screenpop). */
    record ScreenPop(long atMs, String topic, String issue, double angerNow, double angerPeak, String angerTrend,
                     double ventingSeconds, List<String> alreadySaid, String suggestedOpening,
                     List<String> suggestedResolutions, List<String> transcript) implements CallEvent {
    }

    /** A callback was promised for this call: {@code due} is ISO-8601 on the customer's clock. */
    record Callback(long atMs, String id, String due, String reason, String kind) implements CallEvent {
    }

    /** The call as the line heard it, once its audio is fully processed. */
    record Summary(long atMs, double angerPeak, String angerLevel, String angerTrend, double ventingSeconds,
                   int talkOvers, int bargeIns, int acknowledgements, int questions, String issue, String feeling,
                   String request) implements CallEvent {
    }

    /** An agent is on the call: from {@code atMs} the outbound track is theirs, and transcribed. */
    record AgentJoined(long atMs) implements CallEvent {
    }

    /** Always the last event of a call. */
    record End(long atMs, String callSid) implements CallEvent {
    }
}
