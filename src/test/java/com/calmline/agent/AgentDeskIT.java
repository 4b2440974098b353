package com.calmline.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.Chromium;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.app.TwilioStandIn;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The agent desk in real headless Chromium, on two instances of the service sharing one real Redis: a call
 * streamed into instance A pops up, live, on pages served by A and by B; one agent takes it (Twilio, here
 * WireMock, is asked to dequeue the caller to them), the other cannot, and the call is wrapped up.
 */
class AgentDeskIT {
    private static final String PASSWORD = Deployment.PASSWORD;
    private static final String QUEUE_SID = "QU" + "d".repeat(32);
    /** Records, in the page, when each call first appears in the waiting list (epoch ms) and that it never reloads. */
    private static final String WATCH = """
            window.__loadedOnce = 'yes'; window.__seen = {};
            new MutationObserver(() => document.querySelectorAll('#waiting li[data-call]').forEach(li => {
              if (!window.__seen[li.dataset.call]) window.__seen[li.dataset.call] = performance.timeOrigin + performance.now();
            })).observe(document.body, {subtree: true, childList: true});""";

    /** Two instances on one Redis, an agent signed in to each. */
    @RegisterExtension
    static final Deployment deployment = Deployment.live("desk-it-token").instances(2).user("ann", "agent")
            .user("bob", "agent").build();
    private static TwilioStandIn twilio;
    private static RunningService a;
    private static RunningService b;

    @BeforeAll
    static void instances() {
        twilio = deployment.twilio();
        a = deployment.instance(0);
        b = deployment.instance(1);
    }

    @Test
    void aStreamedCallPopsUpLiveOnBothInstancesAndOneAgentTakesAndWrapsItUp() throws Exception {
        try (Chromium ann = new Chromium(); Chromium bob = new Chromium()) {
            signIn(ann, a, "ann");
            ann.screenshot("01-ann-desk-empty");
            signIn(bob, b, "bob");
            ann.driver.executeScript(WATCH);
            bob.driver.executeScript(WATCH);

            Simulator.Call caller = a.waiting("billing-calm", twilio::accepts, 4);
            String sid = caller.callSid;
            JsonNode pop = screenPop(sid);
            String issue = pop.path("issue").asText();
            assertTrue(!issue.isBlank(), "the line heard a clear problem");
            String problem = pop.path("problem").asText();
            String callerSaid = String.join(" ", pop.path("transcript").findParents("speaker").stream()
                    .filter(t -> t.path("speaker").asText().equals("caller")).map(t -> t.path("text").asText()).toList());
            assertTrue(callerSaid.contains(problem), "the problem in the caller's own words: " + problem);
            String told = !problem.isEmpty() ? problem : pop.path("keyLines").isEmpty()
                    ? "Not clear yet: ask an open question." : "Not heard surely enough to quote: read their key lines below.";

            By entry = By.cssSelector("#waiting li[data-call='" + sid + "']");
            ann.wait.until(ExpectedConditions.visibilityOfElementLocated(entry));
            ann.wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#call .screenpop .opening"), "Thanks for holding"));
            assertEquals("yes", ann.driver.executeScript("return window.__loadedOnce"), "the page never reloaded");
            long seenAt = ((Number) ann.driver.executeScript("return window.__seen[arguments[0]]", sid)).longValue();
            long routedAt = routeRequest(sid).getLoggedDate().getTime();
            System.out.printf("screen-pop delay: route accepted by Twilio (WireMock) -> entry on the open page: %d ms%n",
                    seenAt - routedAt);
            String listed = text(ann, entry);
            assertTrue(listed.toLowerCase().contains("billing"), listed);
            assertTrue(listed.contains(!problem.isEmpty() ? problem : pop.path("keyLines").isEmpty()
                    ? "(no problem stated yet)" : "(not heard surely enough to quote"), listed);
            assertTrue(text(ann, By.cssSelector("#waiting li[data-call='" + sid + "'] .badge")).matches("(?i)calm|upset|angry"));
            assertEquals(told, text(ann, By.cssSelector("#call .screenpop p.issue")));
            assertTrue(text(ann, By.cssSelector("#call .screenpop .already")).contains(issue),
                    "the line's own rewording is what it already said");
            assertTrue(text(ann, By.cssSelector("#call .screenpop .mood .peak")).matches("(?is)peak: (calm|upset|angry) .*"));
            assertTrue(text(ann, By.cssSelector("#call .screenpop .mood .now")).matches("(?is)now: (calm|upset|angry) .*"));
            String opening = text(ann, By.cssSelector("#call .screenpop .opening"));
            assertTrue(problem.isEmpty() ? opening.contains("you're calling about your bill") && !opening.contains(issue)
                    : opening.contains(issue), "the opening names the problem so the caller need not repeat it, in a "
                    + "sentence even when the line knew only the topic: " + opening);
            ann.screenshot("02-ann-screenpop-live");

            By turns = By.cssSelector("#transcript .transcript li");
            int before = ann.driver.findElements(turns).size();
            caller.play(Fixture.load("callback-calm").mulaw(), 4);
            ann.wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(turns, before));
            assertEquals("yes", ann.driver.executeScript("return window.__loadedOnce"), "it grew without a reload");

            bob.wait.until(ExpectedConditions.visibilityOfElementLocated(entry));
            assertEquals("yes", bob.driver.executeScript("return window.__loadedOnce"));
            bob.screenshot("03-bob-on-instance-b-sees-the-call");

            twilio.stub(post(urlPathEqualTo(memberPath(sid))).willReturn(okJson("{\"call_sid\":\"" + sid
                    + "\",\"queue_sid\":\"" + QUEUE_SID + "\",\"position\":1}")));
            HttpResponse<String> hold = a.simulator().post("/twilio/wait", Map.of("CallSid", sid, "QueueSid", QUEUE_SID,
                    "QueuePosition", "1", "AvgQueueTime", "0"));
            assertTrue(hold.body().contains("You are next in line."), hold.body());

            press(ann, By.cssSelector("#waiting li[data-call='" + sid + "'] a"));
            ann.wait.until(ExpectedConditions.urlContains("call=" + sid));
            press(ann, By.cssSelector("button.take"));
            ann.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".taken.mine"),
                    "You have this call"));
            List<LoggedRequest> dequeues = twilio.requests(postRequestedFor(urlPathEqualTo(memberPath(sid))));
            assertEquals(1, dequeues.size(), "Twilio was asked once to move the queued caller");
            String connect = TwilioStandIn.PUBLIC_URL + "/twilio/connect?agent=ann&to=client%3Aann";
            assertEquals(connect, TwilioStandIn.form(dequeues.get(0)).get("Url"));
            assertEquals("POST", TwilioStandIn.form(dequeues.get(0)).get("Method"));
            ann.screenshot("04-ann-took-the-call");

            HttpResponse<String> dial = a.simulator().post("/twilio/connect?agent=ann&to=client%3Aann",
                    Map.of("CallSid", sid));
            assertTrue(dial.body().contains("<Dial answerOnBridge=\"true\"><Client>ann</Client></Dial>"), dial.body());

            bob.wait.until(ExpectedConditions.invisibilityOfElementLocated(entry));
            bob.driver.get(b.url() + "/agent?call=" + sid);
            assertEquals("Taken by ann: only they and supervisors can open it now.",
                    text(bob, By.cssSelector("#call .notice")));
            assertTrue(bob.driver.findElements(By.cssSelector("#call .screenpop")).isEmpty(),
                    "bob sees who has the call, not the call");
            assertTrue(bob.driver.findElements(By.cssSelector("button.take")).isEmpty(), "no take button for bob");
            Object status = bob.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const csrf = document.querySelector('input[name=_csrf]').value;
                    fetch('/api/calls/' + arguments[0] + '/take', {method: 'POST', headers: {'X-CSRF-Token': csrf}})
                      .then(r => r.text().then(t => done(r.status + ' ' + t)));""", sid);
            assertTrue(String.valueOf(status).startsWith("409 "), String.valueOf(status));
            assertTrue(String.valueOf(status).contains("\"agent\":\"ann\""), String.valueOf(status));
            bob.screenshot("05-bob-cannot-take-it");
            assertEquals(1, twilio.requests(postRequestedFor(urlPathEqualTo(memberPath(sid)))).size(),
                    "bob's attempt reached Twilio not at all");

            ann.driver.findElement(By.cssSelector("input[name=outcome][value=resolved]")).click();
            ann.driver.findElement(By.id("note")).sendKeys("Reversed the duplicate charge.");
            ann.driver.findElement(By.cssSelector(".wrapup button[type=submit]")).click();
            ann.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".wrapped"), "resolved"));
            ann.screenshot("06-ann-wrapped-up");
            ann.driver.executeScript(WATCH);
            JsonNode stored = b.json("/api/calls/" + sid).path("call");
            assertEquals("ann", stored.path("agent").asText());
            assertEquals("resolved", stored.path("outcome").asText());
            assertEquals("Reversed the duplicate charge.", stored.path("note").asText());
            assertEquals("(live)", text(ann, By.cssSelector("#transcript h3 .muted")));
            caller.stop();
            caller.close();
            List<JsonNode> events = a.simulator().awaitEnd(sid, Duration.ofSeconds(60));
            assertEquals(0, CallEvents.only(events, "summary").path("talkOvers").asInt());
            ann.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#call .ended.mine"),
                    "The call has ended"));
            assertEquals("(call ended)", text(ann, By.cssSelector("#transcript h3 .muted")), "live, without a reload");
            assertEquals("yes", ann.driver.executeScript("return window.__loadedOnce"));
            assertTrue(ann.driver.findElements(By.cssSelector(".taken.mine")).isEmpty(), "no 'You have this call'");
            ann.screenshot("06b-ann-call-ended");
            ann.driver.navigate().refresh();
            assertEquals("(call ended)", text(ann, By.cssSelector("#transcript h3 .muted")), "and after a reload");
            assertTrue(text(ann, By.cssSelector("#call .ended")).startsWith("The call has ended"));
        }
    }

    @Test
    void callersPutStraightThroughWithoutASummaryWaitOnTheDeskCanBeTakenAndLeaveWhenTheyHangUp() throws Exception {
        try (Chromium ann = new Chromium()) {
            signIn(ann, a, "ann");
            // Pressed 0 on instance B, where no conversation of theirs runs: put through at once, unheard.
            String pressed = Simulator.newSid("CA");
            Simulator twilioSide = b.simulator();
            twilioSide.post("/twilio/voice", Map.of("CallSid", pressed, "From", "+15555550142", "To", "+15555550199"));
            twilio.stands(pressed, "in-progress", -1);
            HttpResponse<String> zero = twilioSide.post("/twilio/listen", Map.of("CallSid", pressed,
                    "From", "+15555550142", "Digits", "0"));
            assertTrue(zero.body().contains("<Enqueue"), zero.body());
            // Heard for a moment on instance A, then the stream dropped: Twilio's next listening round puts them through.
            Simulator.Call dropped = a.simulator().dial("+15555550143", "+15555550199");
            twilio.accepts(dropped.callSid);
            twilio.stands(dropped.callSid, "in-progress", -1);
            // The first sentence (to 2.67 s) only, so the line hears them, and has not routed them yet.
            dropped.connect().play(java.util.Arrays.copyOfRange(Fixture.load("billing-calm").mulaw(), 0, 8 * 3400), 4);
            dropped.close();
            awaitTrue(() -> a.simulator().post("/twilio/listen", Map.of("CallSid", dropped.callSid))
                    .body().contains("<Enqueue"));

            By pressedEntry = By.cssSelector("#waiting li[data-call='" + pressed + "']");
            By droppedEntry = By.cssSelector("#waiting li[data-call='" + dropped.callSid + "']");
            ann.wait.until(ExpectedConditions.visibilityOfElementLocated(pressedEntry));
            ann.wait.until(ExpectedConditions.visibilityOfElementLocated(droppedEntry));
            ann.screenshot("07-ann-callers-put-straight-through");
            String listed = text(ann, pressedEntry);
            assertTrue(listed.contains("Caller …0142"), "told apart by the number's end: " + listed);
            assertFalse(listed.contains("5555550142"), "the number masked: " + listed);
            assertTrue(listed.contains("No summary: put straight through because they pressed 0 for a person"), listed);
            assertTrue(listed.matches("(?s).*waiting \\d+ s.*"), "how long they have waited: " + listed);
            assertTrue(text(ann, By.cssSelector("#waiting li[data-call='" + pressed + "'] .badge"))
                    .equalsIgnoreCase("not heard"), "no mood the line never heard");
            String lost = text(ann, droppedEntry);
            assertTrue(lost.contains("No summary: put straight through because the line lost their audio"), lost);
            // The mood the line heard before it lost them, once their last words are in.
            By droppedMood = By.cssSelector("#waiting li[data-call='" + dropped.callSid + "'] .badge");
            ann.wait.ignoring(StaleElementReferenceException.class).until(d -> d.findElement(droppedMood).getText()
                    .matches("(?i)calm|upset|angry"));

            twilio.stub(post(urlPathEqualTo(memberPath(pressed))).willReturn(okJson("{\"call_sid\":\"" + pressed
                    + "\",\"queue_sid\":\"" + QUEUE_SID + "\",\"position\":1}")));
            twilioSide.post("/twilio/wait", Map.of("CallSid", pressed, "QueueSid", QUEUE_SID, "QueuePosition", "1",
                    "AvgQueueTime", "0"));
            open(ann, pressed);
            assertTrue(text(ann, By.cssSelector("#call .put-through")).contains("they pressed 0 for a person"));
            press(ann, By.cssSelector("button.take"));
            ann.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".taken.mine"),
                    "You have this call"));
            ann.screenshot("08-ann-took-a-caller-put-straight-through");
            List<LoggedRequest> dequeues = twilio.requests(postRequestedFor(urlPathEqualTo(memberPath(pressed))));
            assertEquals(1, dequeues.size(), "Twilio was asked to move the queued caller to ann");
            assertEquals(TwilioStandIn.PUBLIC_URL + "/twilio/connect?agent=ann&to=client%3Aann",
                    TwilioStandIn.form(dequeues.get(0)).get("Url"));

            awaitTrue(() -> twilio.asked(dropped.callSid) > 0);
            assertTrue(!ann.driver.findElements(droppedEntry).isEmpty(), "still waiting while Twilio says the call goes on");
            twilio.stands(dropped.callSid, "completed", 40);
            ann.wait.until(ExpectedConditions.invisibilityOfElementLocated(droppedEntry));
            assertEquals("ENDED", a.json("/api/calls/" + dropped.callSid).path("call").path("state").asText());
            twilio.stands(pressed, "completed", 95);
        }
    }

    @Test
    void whenTwilioDoesNotMoveTheCallerToTheAgentTheyStayWaitingForAnyoneToTake() throws Exception {
        String queueSid = "QU" + "e".repeat(32);
        String sid = Simulator.newSid("CA");
        Simulator twilioSide = a.simulator();
        twilioSide.post("/twilio/voice", Map.of("CallSid", sid, "From", "+15555550144", "To", "+15555550199"));
        twilio.stands(sid, "in-progress", -1);
        twilioSide.post("/twilio/listen", Map.of("CallSid", sid, "From", "+15555550144", "Digits", "0"));
        twilioSide.post("/twilio/wait", Map.of("CallSid", sid, "QueueSid", queueSid, "QueuePosition", "1",
                "AvgQueueTime", "0"));
        String member = "/2010-04-01/Accounts/" + TwilioStandIn.ACCOUNT + "/Queues/" + queueSid + "/Members/" + sid
                + ".json";
        twilio.stub(post(urlPathEqualTo(member)).willReturn(com.github.tomakehurst.wiremock.client.WireMock
                .aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":20500,\"message\":\"Internal Server Error\",\"status\":500}")));
        By entry = By.cssSelector("#waiting li[data-call='" + sid + "']");
        try (Chromium ann = new Chromium(); Chromium bob = new Chromium()) {
            signIn(ann, a, "ann");
            signIn(bob, b, "bob");
            ann.wait.until(ExpectedConditions.visibilityOfElementLocated(entry));
            open(ann, sid);
            press(ann, By.cssSelector("button.take"));
            ann.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("section.call > p.notice"),
                    "Twilio did not put that caller through to you, so they are still waiting"));
            ann.screenshot("09-ann-twilio-did-not-move-the-caller");
            assertEquals(1, twilio.requests(postRequestedFor(urlPathEqualTo(member))).size(), "Twilio was asked");
            ann.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button.take")));
            assertTrue(ann.driver.findElements(By.cssSelector(".taken")).isEmpty(), "nobody holds the call");
            assertFalse(a.json("/api/calls/" + sid).path("call").has("agent"), "the claim is released");

            bob.wait.until(ExpectedConditions.visibilityOfElementLocated(entry));
            open(bob, sid);
            Object refused = bob.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const csrf = document.querySelector('input[name=_csrf]').value;
                    fetch('/api/calls/' + arguments[0] + '/take', {method: 'POST', headers: {'X-CSRF-Token': csrf}})
                      .then(r => r.text().then(t => done(r.status + ' ' + t)));""", sid);
            assertTrue(String.valueOf(refused).startsWith("502 "), String.valueOf(refused));
            assertTrue(String.valueOf(refused).contains("Twilio did not put that caller through"), String.valueOf(refused));
            assertTrue(String.valueOf(refused).contains("code 20500"), "with what Twilio said: " + refused);

            twilio.stub(post(urlPathEqualTo(member)).willReturn(okJson("{\"call_sid\":\"" + sid
                    + "\",\"queue_sid\":\"" + queueSid + "\",\"position\":1}")));
            bob.driver.navigate().refresh();
            press(bob, By.cssSelector("button.take"));
            bob.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".taken.mine"),
                    "You have this call"));
            assertEquals(3, twilio.requests(postRequestedFor(urlPathEqualTo(member))).size());
            ann.wait.until(ExpectedConditions.invisibilityOfElementLocated(entry));
            assertEquals("bob", a.json("/api/calls/" + sid).path("call").path("agent").asText());
        } finally {
            twilio.stands(sid, "completed", 60);
        }
    }

    /**
     * Opens the caller from the waiting list, as a keyboard user would; again if a live update redrew the list
     * just as Enter was pressed (the page then stays where it was).
     */
    private static void open(Chromium browser, String sid) {
        By link = By.cssSelector("#waiting li[data-call='" + sid + "'] a");
        browser.wait.ignoring(StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.ElementNotInteractableException.class).until(d -> {
            if (!d.getCurrentUrl().contains("call=" + sid)) {
                d.findElement(link).sendKeys(Keys.ENTER);
            }
            return d.getCurrentUrl().contains("call=" + sid);
        });
    }

    private static void awaitTrue(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s");
            }
            Thread.sleep(200);
        }
    }

    /** The call's screen-pop once the line has routed it (the route follows the caller's last pause). */
    private static JsonNode screenPop(String sid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (twilio.updates(sid).stream().noneMatch(r -> TwilioStandIn.twimlOf(r).contains("<Enqueue"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the call was never routed");
            }
            Thread.sleep(50);
        }
        Thread.sleep(200);
        return a.json("/api/calls/" + sid + "/screenpop");
    }

    /** The element's text, found afresh if a live update redrew it meanwhile. */
    private static String text(Chromium browser, By element) {
        return browser.wait.ignoring(StaleElementReferenceException.class).until(d -> d.findElement(element).getText());
    }

    /**
     * Presses Enter on the element, as a keyboard user would; found afresh if a live update redrew it (or is
     * redrawing it at that moment).
     */
    private static void press(Chromium browser, By element) {
        browser.wait.ignoring(StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.ElementNotInteractableException.class).until(d -> {
            d.findElement(element).sendKeys(Keys.ENTER);
            return true;
        });
    }

    private static void signIn(Chromium browser, RunningService on, String user) {
        browser.driver.get(on.url() + "/agent");
        browser.wait.until(ExpectedConditions.urlContains("/login"));
        browser.driver.findElement(By.id("user")).sendKeys(user);
        browser.driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
        browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("waiting")));
    }

    private static LoggedRequest routeRequest(String sid) {
        return twilio.updates(sid).stream().filter(r -> TwilioStandIn.twimlOf(r).contains("<Enqueue")).findFirst()
                .orElseThrow();
    }

    private static String memberPath(String sid) {
        return "/2010-04-01/Accounts/" + TwilioStandIn.ACCOUNT + "/Queues/" + QUEUE_SID + "/Members/" + sid + ".json";
    }
}
