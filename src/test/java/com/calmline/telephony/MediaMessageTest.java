package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class MediaMessageTest {
    private static final String STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0";
    private static final String CALL = "CA6a0e3d0c5c7b7b8b4c4b6b0e3d0c5c7b";
    private static final String ACCOUNT = "AC25e16e9a716a4a1786a7c83f58e30482";

    private static String q(String json) {
        return json.replace('\'', '"');
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (0xFF - i % 128);
        }
        return b;
    }

    private static String media(String seq, String track, String timestamp, String payload) {
        return q("{'event':'media','sequenceNumber':" + seq + ",'media':{'track':" + track + ",'chunk':'1',"
                + "'timestamp':" + timestamp + ",'payload':" + payload + "},'streamSid':'" + STREAM + "'}");
    }

    private static String reason(String text) {
        MediaMessage.Malformed e = assertThrows(MediaMessage.Malformed.class, () -> MediaMessage.parse(text),
                () -> "should be rejected: " + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
        return e.reason;
    }

    @Test
    void parsesConnected() throws Exception {
        MediaMessage m = MediaMessage.parse(q("{'event':'connected','protocol':'Call','version':'1.0.0'}"));
        MediaMessage.Connected c = assertInstanceOf(MediaMessage.Connected.class, m);
        assertEquals("Call", c.protocol());
        assertEquals(0, c.sequence());
    }

    @Test
    void parsesStart() throws Exception {
        String text = q("{'event':'start','sequenceNumber':'1','start':{'accountSid':'" + ACCOUNT + "',"
                + "'streamSid':'" + STREAM + "','callSid':'" + CALL + "','tracks':['inbound','outbound'],"
                + "'customParameters':{'caller':'+15555550100'},'mediaFormat':{'encoding':'audio/x-mulaw','sampleRate':8000,'channels':1}},"
                + "'streamSid':'" + STREAM + "'}");
        MediaMessage.Start s = assertInstanceOf(MediaMessage.Start.class, MediaMessage.parse(text));
        assertEquals(new MediaMessage.Start(1, STREAM, CALL, ACCOUNT, "+15555550100", ""), s);
    }

    @Test
    void startWithoutCallSidOrStreamSidIsRejected() {
        assertEquals("field", reason(q("{'event':'start','sequenceNumber':'1','start':{'accountSid':'" + ACCOUNT
                + "'},'streamSid':'" + STREAM + "'}")));
        assertEquals("field", reason(q("{'event':'start','sequenceNumber':'1','start':{'callSid':'" + CALL
                + "'}}")));
    }

    @Test
    void parsesMediaWithNumbersAsStringsAsTwilioSendsThem() throws Exception {
        byte[] payload = bytes(160);
        MediaMessage m = MediaMessage.parse(media("'3'", "'inbound'", "'5'", "'" + b64(payload) + "'"));
        MediaMessage.Media media = assertInstanceOf(MediaMessage.Media.class, m);
        assertEquals(3, media.sequence());
        assertEquals("inbound", media.track());
        assertEquals(5, media.timestampMs());
        assertArrayEquals(payload, media.payload());
    }

    @Test
    void parsesMediaWithNumbersAsNumbers() throws Exception {
        byte[] payload = bytes(160);
        MediaMessage m = MediaMessage.parse(media("4", "'outbound'", "120020", "'" + b64(payload) + "'"));
        MediaMessage.Media media = assertInstanceOf(MediaMessage.Media.class, m);
        assertEquals(4, media.sequence());
        assertEquals("outbound", media.track());
        assertEquals(120020, media.timestampMs());
        assertArrayEquals(payload, media.payload());
    }

    @Test
    void parsesMark() throws Exception {
        MediaMessage m = MediaMessage.parse(q("{'event':'mark','sequenceNumber':'4','streamSid':'" + STREAM
                + "','mark':{'name':'greeting done'}}"));
        assertEquals(new MediaMessage.Mark(4, "greeting done"), m);
    }

    @Test
    void parsesDtmf() throws Exception {
        MediaMessage m = MediaMessage.parse(q("{'event':'dtmf','streamSid':'" + STREAM + "','sequenceNumber':'5',"
                + "'dtmf':{'track':'inbound_track','digit':'1'}}"));
        assertEquals(new MediaMessage.Dtmf(5, "1"), m);
        assertEquals("field", reason(q("{'event':'dtmf','sequenceNumber':'5','dtmf':{'track':'inbound_track'}}")));
    }

    @Test
    void parsesStop() throws Exception {
        MediaMessage m = MediaMessage.parse(q("{'event':'stop','sequenceNumber':'5','streamSid':'" + STREAM
                + "','stop':{'accountSid':'" + ACCOUNT + "','callSid':'" + CALL + "'}}"));
        assertEquals(new MediaMessage.Stop(5), m);
    }

    @Test
    void invalidJsonIsRejectedAsJson() {
        assertEquals("json", reason("{\"event\":\"media\",\"sequenceNumber\":"));
        assertEquals("json", reason("not json at all"));
        assertEquals("json", reason("{'event':'stop','sequenceNumber':'1'}"));
    }

    @Test
    void badBase64IsRejectedAsBase64() {
        assertEquals("base64", reason(media("'3'", "'inbound'", "'5'", "'****'")));
        assertEquals("base64", reason(media("'3'", "'inbound'", "'5'", "'AAAA$AAA'")));
        // URL-safe alphabet is not what Twilio sends.
        assertEquals("base64", reason(media("'3'", "'inbound'", "'5'", "'__--'")));
    }

    @Test
    void payloadSizeIsBounded() throws Exception {
        int max = MediaMessage.MAX_PAYLOAD_BYTES;
        MediaMessage ok = MediaMessage.parse(media("'3'", "'inbound'", "'5'", "'" + b64(bytes(max)) + "'"));
        assertEquals(max, ((MediaMessage.Media) ok).payload().length);
        assertEquals("oversize", reason(media("'3'", "'inbound'", "'5'", "'" + b64(bytes(max + 1)) + "'")));
        // An empty payload is not audio either.
        assertEquals("field", reason(media("'3'", "'inbound'", "'5'", "''")));
    }

    @Test
    void frameTextIsBoundedBeforeParsing() throws Exception {
        String stop = q("{'event':'stop','sequenceNumber':'7'}");
        // Pad with JSON whitespace to exactly the limit: still accepted; one character more is oversize.
        String atLimit = stop + " ".repeat(MediaMessage.MAX_FRAME_CHARS - stop.length());
        assertEquals(MediaMessage.MAX_FRAME_CHARS, atLimit.length());
        assertEquals(new MediaMessage.Stop(7), MediaMessage.parse(atLimit));
        assertEquals("oversize", reason(atLimit + " "));
        // Not even parsed: an oversize frame of garbage is oversize, not json.
        assertEquals("oversize", reason("x".repeat(MediaMessage.MAX_FRAME_CHARS + 1)));
    }

    @Test
    void unknownEventIsRejectedAsUnknown() {
        assertEquals("unknown", reason(q("{'event':'clear','sequenceNumber':'9','streamSid':'" + STREAM + "'}")));
        assertEquals("unknown", reason(q("{'sequenceNumber':'9'}")));
    }

    @Test
    void badSequenceNumbersAreRejectedAsField() {
        assertEquals("field", reason(q("{'event':'stop'}")));
        assertEquals("field", reason(q("{'event':'stop','sequenceNumber':'-1'}")));
        assertEquals("field", reason(q("{'event':'stop','sequenceNumber':-1}")));
        assertEquals("field", reason(q("{'event':'stop','sequenceNumber':'two'}")));
        assertEquals("field", reason(q("{'event':'stop','sequenceNumber':''}")));
        assertEquals("field", reason(q("{'event':'stop','sequenceNumber':null}")));
        assertEquals("field", reason(q("{'event':'stop','sequenceNumber':'99999999999999999999'}")));
        assertEquals("field", reason(media("'x'", "'inbound'", "'5'", "'" + b64(bytes(160)) + "'")));
    }

    @Test
    void badTimestampIsRejectedAsField() {
        assertEquals("field", reason(media("'3'", "'inbound'", "'-20'", "'" + b64(bytes(160)) + "'")));
        assertEquals("field", reason(media("'3'", "'inbound'", "'soon'", "'" + b64(bytes(160)) + "'")));
    }

    @Test
    void unknownOrMissingTrackIsRejectedAsField() {
        String payload = "'" + b64(bytes(160)) + "'";
        assertEquals("field", reason(media("'3'", "'both_tracks'", "'5'", payload)));
        assertEquals("field", reason(media("'3'", "'inbound_track'", "'5'", payload)));
        assertEquals("field", reason(media("'3'", "'Inbound'", "'5'", payload)));
        assertEquals("field", reason(media("'3'", "''", "'5'", payload)));
        assertEquals("field", reason(media("'3'", "7", "'5'", payload)));
    }

    @Test
    void malformedCarriesItsReasonInTheMessage() {
        MediaMessage.Malformed e = assertThrows(MediaMessage.Malformed.class,
                () -> MediaMessage.parse(q("{'event':'bogus','sequenceNumber':'1'}")));
        assertEquals("unknown", e.reason);
        assertEquals("unknown: event 'bogus'", e.getMessage());
    }
}
