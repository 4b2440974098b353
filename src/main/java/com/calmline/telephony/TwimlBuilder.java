package com.calmline.telephony;

import com.twilio.twiml.VoiceResponse;
import com.twilio.http.HttpMethod;
import com.twilio.twiml.voice.Client;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Parameter;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import com.twilio.twiml.voice.Start;
import com.twilio.twiml.voice.Stream;
import com.twilio.twiml.voice.Task;
import java.util.Optional;

/**
 * The TwiML the line answers with. The stream is started before the greeting so a caller who talks over
 * it is still heard; then a DTMF-only Gather that redirects to itself keeps the call open and listening
 * while the audio goes to the media stream.
 */
final class TwimlBuilder {
    /**
     * What XML 1.0 cannot contain at all: most control characters, U+FFFE, U+FFFF and unpaired surrogates (a
     * regex sees a pair as one code point, so pairs stay).
     */
    private static final String NOT_XML = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF\\uD800-\\uDFFF]";
    private final int listenSeconds;

    TwimlBuilder(int listenSeconds) {
        this.listenSeconds = listenSeconds;
    }

    /**
     * {@code caller} travels to the media stream as a custom parameter, so the call's conversation knows it;
     * {@code token} too, binding the stream to this call (Twilio's stream URL takes no query string). The
     * caller is whatever the webhook's From said: characters XML cannot carry, even escaped, are left out, or
     * the whole answer would be unreadable to Twilio and the call would fail.
     */
    String greeting(String streamUrl, String caller, String token, String greeting, String listenUrl) {
        Stream stream = new Stream.Builder().url(streamUrl).track(Stream.Track.BOTH_TRACKS)
                .parameter(new Parameter.Builder().name("caller").value(caller.replaceAll(NOT_XML, "")).build())
                .parameter(new Parameter.Builder().name("token").value(token).build()).build();
        return new VoiceResponse.Builder()
                .start(new Start.Builder().stream(stream).build())
                .say(new Say.Builder(greeting).build())
                .gather(listening(listenUrl))
                .redirect(new Redirect.Builder(listenUrl).build())
                .build().toXml();
    }

    String sayThenListen(String text, String listenUrl) {
        return new VoiceResponse.Builder()
                .say(new Say.Builder(text).build())
                .gather(listening(listenUrl))
                .redirect(new Redirect.Builder(listenUrl).build())
                .build().toXml();
    }

    /**
     * Says {@code text}, then queues the caller: through TaskRouter when a workflow is set, the screen-pop
     * travelling as the task's attributes; otherwise in the named Twilio queue, whose wait URL tells us the
     * queue's sid so an agent can take the caller out of it.
     */
    String sayThenEnqueue(String text, String queue, Optional<String> workflowSid, String taskAttributes,
                          String waitUrl) {
        Enqueue enqueue = workflowSid.isPresent()
                ? new Enqueue.Builder().workflowSid(workflowSid.get()).task(new Task.Builder(taskAttributes).build())
                        .build()
                : new Enqueue.Builder(queue).waitUrl(waitUrl).waitUrlMethod(HttpMethod.POST).build();
        return new VoiceResponse.Builder()
                .say(new Say.Builder(text).build())
                .enqueue(enqueue)
                .build().toXml();
    }

    /**
     * Hold while waiting in the queue: where they are and about how long, the offer of a callback (press 1,
     * answered at {@code keyUrl}), then a quiet stretch; Twilio asks for this again when it ends.
     */
    String waiting(int position, int waitSeconds, String keyUrl) {
        String where = position <= 1 ? "You are next in line." : "You are number " + position + " in line.";
        String wait = waitSeconds >= 90 ? " The wait is about " + Math.round(waitSeconds / 60.0) + " minutes." : "";
        Gather offer = new Gather.Builder().inputs(Gather.Input.DTMF).numDigits(1).timeout(20).action(keyUrl)
                .actionOnEmptyResult(false)
                .say(new Say.Builder("If you'd rather not wait, press 1 and we will call you back. You keep your place.")
                        .build())
                .build();
        return new VoiceResponse.Builder()
                .say(new Say.Builder(where + wait + " Thank you for waiting; someone will be with you shortly.").build())
                .gather(offer)
                .build().toXml();
    }

    String sayThenHangUp(String text) {
        return new VoiceResponse.Builder().say(new Say.Builder(text).build()).hangup(new Hangup.Builder().build())
                .build().toXml();
    }

    /** A customer who answered a callback: who is calling and why, then the queue (as a priority task). */
    String sayThenEnqueuePriority(String text, String queue, Optional<String> workflowSid, String taskAttributes,
                                  String waitUrl) {
        Enqueue enqueue = workflowSid.isPresent()
                ? new Enqueue.Builder().workflowSid(workflowSid.get())
                        .task(new Task.Builder(taskAttributes).priority(10).build()).build()
                : new Enqueue.Builder(queue).waitUrl(waitUrl).waitUrlMethod(HttpMethod.POST).build();
        return new VoiceResponse.Builder().say(new Say.Builder(text).build()).enqueue(enqueue).build().toXml();
    }

    /** Asks a yes/no by key ({@code text} says which keys), answered at {@code actionUrl}. */
    String askKey(String text, String actionUrl, String otherwise) {
        Gather ask = new Gather.Builder().inputs(Gather.Input.DTMF).numDigits(1).timeout(8).action(actionUrl)
                .say(new Say.Builder(text).build()).build();
        return new VoiceResponse.Builder().gather(ask).say(new Say.Builder(otherwise).build())
                .hangup(new Hangup.Builder().build()).build().toXml();
    }

    String redirect(String url) {
        return new VoiceResponse.Builder().redirect(new Redirect.Builder(url).build()).build().toXml();
    }

    String hangUp() {
        return new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build().toXml();
    }

    /** Connects the caller to the agent who took the call: a Twilio Client identity or a phone number. */
    String dialAgent(String target) {
        Dial.Builder dial = new Dial.Builder().answerOnBridge(true);
        if (target.startsWith("client:")) {
            dial.client(new Client.Builder(target.substring(7)).build());
        } else {
            dial.number(new Number.Builder(target).build());
        }
        return new VoiceResponse.Builder().dial(dial.build()).build().toXml();
    }

    String listen(String listenUrl) {
        return new VoiceResponse.Builder()
                .gather(listening(listenUrl))
                .redirect(new Redirect.Builder(listenUrl).build())
                .build().toXml();
    }

    private Gather listening(String listenUrl) {
        return new Gather.Builder()
                .inputs(Gather.Input.DTMF)
                .numDigits(1)
                .timeout(listenSeconds)
                .action(listenUrl)
                .actionOnEmptyResult(false)
                .build();
    }
}
