package com.calmline.telephony;

import com.twilio.twiml.VoiceResponse;
import com.twilio.http.HttpMethod;
import com.twilio.twiml.voice.Client;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Pause;
import com.twilio.twiml.voice.Gather;
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
    private final int listenSeconds;

    TwimlBuilder(int listenSeconds) {
        this.listenSeconds = listenSeconds;
    }

    String greeting(String streamUrl, String greeting, String listenUrl) {
        Stream stream = new Stream.Builder().url(streamUrl).track(Stream.Track.BOTH_TRACKS).build();
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

    /** Hold while waiting in the queue: where they are, then a quiet stretch; Twilio asks again after it. */
    String waiting(int position) {
        String where = position == 1 ? "You are next in line." : "You are number " + position + " in line.";
        return new VoiceResponse.Builder()
                .say(new Say.Builder(where + " Thank you for waiting; someone will be with you shortly.").build())
                .pause(new Pause.Builder().length(20).build())
                .build().toXml();
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
