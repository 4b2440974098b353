package com.calmline.telephony;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import com.twilio.twiml.voice.Start;
import com.twilio.twiml.voice.Stream;

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

    String sayThenEnqueue(String text, String queue) {
        return new VoiceResponse.Builder()
                .say(new Say.Builder(text).build())
                .enqueue(new Enqueue.Builder(queue).build())
                .build().toXml();
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
