package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** TwimlBuilder's documents, read back with a DOM parser. */
class TwimlTest {
    private static final String STREAM_URL = "wss://line.example.com/twilio/media?token=a1&region=eu";
    private static final String LISTEN_URL = "https://line.example.com/twilio/listen?call=CA1&step=2";
    private static final String GREETING = "Hello, you've reached Calmline. Take your time & tell us <everything>.";

    private static Element response(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertEquals("Response", root.getTagName());
        return root;
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static List<String> names(List<Element> elements) {
        return elements.stream().map(Element::getTagName).toList();
    }

    private static void assertListeningGather(Element gather, int timeoutSeconds, String listenUrl) {
        assertEquals("Gather", gather.getTagName());
        assertEquals("dtmf", gather.getAttribute("input"));
        assertEquals("1", gather.getAttribute("numDigits"));
        assertEquals(String.valueOf(timeoutSeconds), gather.getAttribute("timeout"));
        assertEquals(listenUrl, gather.getAttribute("action"));
        // On a timeout without a key press Twilio must fall through to the Redirect, not post an empty result.
        assertNotEquals("true", gather.getAttribute("actionOnEmptyResult"));
        // Nothing is said inside the Gather: the line stays quiet while the caller talks.
        assertEquals(List.of(), children(gather));
    }

    private static void assertRedirect(Element redirect, String listenUrl) {
        assertEquals("Redirect", redirect.getTagName());
        assertEquals(listenUrl, redirect.getTextContent().trim());
    }

    @Test
    void greetingStartsTheStreamBeforeSpeakingThenListens() throws Exception {
        Element root = response(new TwimlBuilder(30).greeting(STREAM_URL, "+15555550100", "t0ken", GREETING, LISTEN_URL));
        List<Element> verbs = children(root);
        assertEquals(List.of("Start", "Say", "Gather", "Redirect"), names(verbs));

        List<Element> started = children(verbs.get(0));
        assertEquals(List.of("Stream"), names(started));
        Element stream = started.get(0);
        assertEquals(STREAM_URL, stream.getAttribute("url"));
        assertEquals("both_tracks", stream.getAttribute("track"));
        Element caller = children(stream).get(0);
        assertEquals(List.of("caller", "+15555550100"), List.of(caller.getAttribute("name"), caller.getAttribute("value")),
                "the caller's number reaches the stream's start message");

        assertEquals(GREETING, verbs.get(1).getTextContent());
        assertListeningGather(verbs.get(2), 30, LISTEN_URL);
        assertRedirect(verbs.get(3), LISTEN_URL);
    }

    /** Whatever the webhook's From said, the greeting is still XML Twilio can read; what XML can carry is kept. */
    @Test
    void aCallerWithCharactersXmlCannotCarryStillGetsAReadableGreeting() throws Exception {
        String from = "+1555\u0000\u0001\u001b[31m\r\n\t<&\"'>\ud83d\ude21\ufffe\ud800";
        Element root = response(new TwimlBuilder(30).greeting(STREAM_URL, from, "t0ken", GREETING, LISTEN_URL));
        Element caller = (Element) root.getElementsByTagName("Parameter").item(0);
        assertEquals("caller", caller.getAttribute("name"));
        assertEquals("+1555[31m\r\n\t<&\"'>\ud83d\ude21", caller.getAttribute("value"));
    }

    /**
     * The greeting is filled into a rendering made once per URLs and prompt: for every caller it must be the SDK's
     * own rendering, byte for byte, also right after the URLs or the prompt change.
     */
    @Test
    void greetingIsTheSdksOwnRenderingWhateverTheCallerSends() {
        StringBuilder everyAscii = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            everyAscii.append(c);
        }
        List<String> callers = List.of("+15555550100", "", "anonymous", "client:alice", everyAscii.toString(),
                "Zo\u00eb \u2603 \u2028 \u0085 \ufffe \ud83d\ude00 +1 (555) 555-0100");
        List<List<String>> settings = List.of(List.of(STREAM_URL, GREETING, LISTEN_URL),
                List.of("wss://other.example.com/twilio/media", GREETING, LISTEN_URL),
                List.of(STREAM_URL, "Hi & \"welcome\".", LISTEN_URL),
                List.of(STREAM_URL, GREETING, "https://other.example.com/twilio/listen"));
        TwimlBuilder twiml = new TwimlBuilder(30);
        for (String caller : callers) {
            for (int i : new int[] {0, 0, 1, 0, 2, 3, 3, 0}) {
                List<String> s = settings.get(i);
                String token = "t0ken-" + caller.length() + "-" + i;
                assertEquals(twiml.renderGreeting(s.get(0), caller, token, s.get(1), s.get(2)),
                        twiml.greeting(s.get(0), caller, token, s.get(1), s.get(2)), caller);
            }
        }
    }

    /** Half a character (an unpaired surrogate) XML cannot carry is left out, as any other, and never refused. */
    @Test
    void aCallerWithHalfACharacterGetsTheRestOfIt() {
        TwimlBuilder twiml = new TwimlBuilder(30);
        for (String caller : List.of("+1555\ud83d", "\ude00+1555", "+1555\ude00", "\ud83d+1555")) {
            assertEquals(twiml.renderGreeting(STREAM_URL, "+1555", "t", GREETING, LISTEN_URL),
                    twiml.greeting(STREAM_URL, caller, "t", GREETING, LISTEN_URL), caller);
        }
    }

    @Test
    void gatherTimeoutComesFromTheConstructor() throws Exception {
        Element root = response(new TwimlBuilder(7).greeting(STREAM_URL, "+15555550100", "t0ken", GREETING, LISTEN_URL));
        assertListeningGather(children(root).get(2), 7, LISTEN_URL);
        Element listen = response(new TwimlBuilder(45).listen(LISTEN_URL));
        assertListeningGather(children(listen).get(0), 45, LISTEN_URL);
    }

    @Test
    void listenKeepsListeningWithoutStartingTheStreamAgain() throws Exception {
        Element root = response(new TwimlBuilder(30).listen(LISTEN_URL));
        List<Element> verbs = children(root);
        assertEquals(List.of("Gather", "Redirect"), names(verbs));
        assertListeningGather(verbs.get(0), 30, LISTEN_URL);
        assertRedirect(verbs.get(1), LISTEN_URL);
        assertEquals(0, root.getElementsByTagName("Stream").getLength());
        assertEquals(0, root.getElementsByTagName("Start").getLength());
    }

    @Test
    void sayThenListenSpeaksAndKeepsListeningWithoutAStream() throws Exception {
        String text = "I hear you. Tell me more about the bill.";
        Element root = response(new TwimlBuilder(30).sayThenListen(text, LISTEN_URL));
        List<Element> verbs = children(root);
        assertEquals(List.of("Say", "Gather", "Redirect"), names(verbs));
        assertEquals(text, verbs.get(0).getTextContent());
        assertListeningGather(verbs.get(1), 30, LISTEN_URL);
        assertRedirect(verbs.get(2), LISTEN_URL);
        assertEquals(0, root.getElementsByTagName("Stream").getLength());
    }

    @Test
    void sayThenEnqueueHandsTheCallToTheQueueWithAWaitUrl() throws Exception {
        String text = "Connecting you to someone who can help.";
        Element root = response(new TwimlBuilder(30).sayThenEnqueue(text, "billing-agents", Optional.empty(),
                "{\"a\":1}", "https://calmline.example.com/twilio/wait"));
        List<Element> verbs = children(root);
        assertEquals(List.of("Say", "Enqueue"), names(verbs));
        assertEquals(text, verbs.get(0).getTextContent());
        assertEquals("billing-agents", verbs.get(1).getTextContent().trim());
        assertEquals("https://calmline.example.com/twilio/wait", verbs.get(1).getAttribute("waitUrl"));
        assertEquals("POST", verbs.get(1).getAttribute("waitUrlMethod"));
        assertEquals(0, root.getElementsByTagName("Task").getLength());
        assertEquals(0, root.getElementsByTagName("Stream").getLength());
        assertEquals(0, root.getElementsByTagName("Gather").getLength());
    }

    @Test
    void withAWorkflowTheCallerBecomesATaskCarryingTheScreenPop() throws Exception {
        String attributes = "{\"screenpop\":{\"topic\":\"billing\",\"issue\":\"we charged you <twice> & more\"}}";
        Element root = response(new TwimlBuilder(30).sayThenEnqueue("One moment.", "billing",
                Optional.of("WW" + "a".repeat(32)), attributes, "https://calmline.example.com/twilio/wait"));
        Element enqueue = children(root).get(1);
        assertEquals("WW" + "a".repeat(32), enqueue.getAttribute("workflowSid"));
        List<Element> task = children(enqueue);
        assertEquals(List.of("Task"), names(task));
        assertEquals(attributes, task.get(0).getTextContent(), "the attributes survive XML escaping intact");
    }

    @Test
    void dialsTheAgentAsAClientIdentityOrANumber() throws Exception {
        Element client = children(response(new TwimlBuilder(30).dialAgent("client:alice"))).get(0);
        assertEquals("Dial", client.getTagName());
        assertEquals(List.of("Client"), names(children(client)));
        assertEquals("alice", children(client).get(0).getTextContent().trim());
        Element number = children(response(new TwimlBuilder(30).dialAgent("+15551234567"))).get(0);
        assertEquals(List.of("Number"), names(children(number)));
        assertEquals("+15551234567", children(number).get(0).getTextContent().trim());
    }
}
