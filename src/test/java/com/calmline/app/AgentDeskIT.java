package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
    private static final String PASSWORD = "correct horse battery";
    private static final String QUEUE_SID = "QU" + "d".repeat(32);
    /** Records, in the page, when each call first appears in the waiting list (epoch ms) and that it never reloads. */
    private static final String WATCH = """
            window.__loadedOnce = 'yes'; window.__seen = {};
            new MutationObserver(() => document.querySelectorAll('#waiting li[data-call]').forEach(li => {
              if (!window.__seen[li.dataset.call]) window.__seen[li.dataset.call] = performance.timeOrigin + performance.now();
            })).observe(document.body, {subtree: true, childList: true});""";

    private static TwilioStandIn twilio;
    private static RunningService a;
    private static RunningService b;

    @BeforeAll
    static void start() throws Exception {
        twilio = new TwilioStandIn();
        a = RunningService.start(twilio.liveEnv("desk-it-token"));
        Map<String, String> env = new HashMap<>(twilio.liveEnv("desk-it-token"));
        env.put("REDIS_URL", a.redisUrl());
        b = RunningService.start(env);
        Browserless.addUser(a, "ann", "agent", PASSWORD);
        Browserless.addUser(a, "bob", "agent", PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        b.close();
        a.close();
        twilio.close();
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
            String issue = screenPop(sid).path("issue").asText();
            assertTrue(!issue.isBlank(), "the line heard a clear problem");

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
            assertTrue(listed.contains(issue), listed);
            assertTrue(text(ann, By.cssSelector("#waiting li[data-call='" + sid + "'] .badge")).matches("(?i)calm|upset|angry"));
            assertEquals(issue, text(ann, By.cssSelector("#call .screenpop p.issue")));
            assertTrue(text(ann, By.cssSelector("#call .screenpop .mood")).contains("anger now"));
            assertTrue(text(ann, By.cssSelector("#call .screenpop .opening")).contains(issue),
                    "the opening names the problem so the caller need not repeat it");
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
            assertEquals(connect, form(dequeues.get(0)).get("Url"));
            assertEquals("POST", form(dequeues.get(0)).get("Method"));
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
            JsonNode stored = RoutingIT.api(b, "/api/calls/" + sid).path("call");
            assertEquals("ann", stored.path("agent").asText());
            assertEquals("resolved", stored.path("outcome").asText());
            assertEquals("Reversed the duplicate charge.", stored.path("note").asText());
            caller.stop();
            caller.close();
            List<JsonNode> events = a.simulator().awaitEnd(sid, Duration.ofSeconds(60));
            assertEquals(0, CallEvents.only(events, "summary").path("talkOvers").asInt());
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
        return RoutingIT.api(a, "/api/calls/" + sid + "/screenpop");
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

    private static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }
}
