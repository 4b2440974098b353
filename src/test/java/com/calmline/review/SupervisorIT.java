package com.calmline.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.calmline.app.Browserless;
import com.calmline.app.Chromium;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RedisContents;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.json.Json;
import com.calmline.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * The supervisors' pages in real headless Chromium, on two instances sharing one real Redis: a caller who
 * reads out a card number and an e-mail address, then an agent who joins and speaks, leave a two-sided
 * transcript in which neither appears, in Redis or in the log; a supervisor filters, searches and opens it;
 * an admin sees who read it and erases it; an angry call streamed into one instance alerts the pages of the
 * other at once.
 */
class SupervisorIT {
    private static final String PASSWORD = Deployment.PASSWORD;
    /** The card read out in card-angry (4111 1111 1111 1111), in any form a leak could take. */
    private static final Pattern RAW_CARD = Pattern.compile(
            "4111[\\s-]*1111|(?:\\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\\b[\\s,.-]*){4,}");
    private static final Pattern RAW_EMAIL = Pattern.compile("john(?:@|\\s+at\\s+)example|example dot com");
    /** A moment as every page shows it: "4 Dec 2026 15:57 EST". */
    private static final Pattern ZONED = Pattern.compile("\\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2} [A-Z]{2,5}");
    private static final String WATCH = """
            window.__loadedOnce = 'yes';""";

    /** Two instances on one Redis: a page on either shows what the other heard. */
    @RegisterExtension
    static final Deployment deployment = Deployment.live("supervisor-it-token").instances(2)
            .user("sue", "supervisor").user("ann", "agent").user("adam", "admin").build();
    private static RunningService a;
    private static RunningService b;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static OutputStreamAppender<ILoggingEvent> capture;

    @BeforeAll
    static void start() {
        captureLog();
        a = deployment.instance(0);
        b = deployment.instance(1);
    }

    /** Everything the service logs, formatted by the configured pipeline (the redacting message converter included). */
    private static void captureLog() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %logger - %msg%n");
        encoder.start();
        capture = new OutputStreamAppender<>();
        capture.setContext(context);
        capture.setEncoder(encoder);
        capture.setOutputStream(LOG);
        capture.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    }

    @AfterAll
    static void stop() throws Exception {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(capture);
    }

    @Test
    void aSupervisorFindsAndReadsATwoSidedRedactedCallAndAnAdminErasesIt() throws Exception {
        String calm = a.listen("billing-calm", deployment.twilio()::accepts, 4).callSid();
        String sid = cardCallWithAgent();

        JsonNode stored = a.json("/api/calls/" + sid);
        List<String> speakers = new ArrayList<>();
        String callerText = "";
        String agentText = "";
        long joinedAt = a.simulator().events(sid).stream().filter(e -> e.path("type").asText().equals("agent-joined"))
                .findFirst().orElseThrow().path("atMs").asLong();
        for (JsonNode turn : stored.path("utterances")) {
            String speaker = turn.path("speaker").asText();
            speakers.add(speaker);
            if (speaker.equals("caller")) {
                callerText += turn.path("text").asText() + " ";
            } else if (speaker.equals("agent")) {
                agentText += turn.path("text").asText() + " ";
                assertTrue(turn.path("startMs").asLong() >= joinedAt,
                        "the agent's track is transcribed only once they joined: " + turn);
                assertTrue(turn.has("anger"), "agent turns are scored: " + turn);
            }
        }
        assertTrue(speakers.containsAll(List.of("caller", "line", "agent")), speakers.toString());
        assertTrue(callerText.contains("[card]") && callerText.contains("[email]"), callerText);
        assertTrue(agentText.contains("billing") || agentText.contains("refunded"), agentText);

        assertNoRawCardOrEmail();

        try (Chromium sue = new Chromium()) {
            signIn(sue, a, "sue", "/supervisor/calls");
            sue.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-call='" + sid + "']")));
            assertTrue(listed(sue).contains(calm), "unfiltered, the calm call is listed too");
            new Select(sue.driver.findElement(By.name("anger"))).selectByValue("0.75");
            sue.driver.findElement(By.cssSelector(".filters button[type=submit]")).sendKeys(Keys.ENTER);
            sue.wait.until(ExpectedConditions.urlContains("anger=0.75"));
            assertTrue(listed(sue).contains(sid));
            assertFalse(listed(sue).contains(calm), "the calm call is filtered out by anger");
            sue.screenshot("supervisor-01-filtered-by-anger");

            sue.driver.get(a.url() + "/supervisor/calls");
            sue.driver.findElement(By.name("q")).sendKeys("furious", Keys.ENTER);
            sue.wait.until(ExpectedConditions.urlContains("q=furious"));
            List<String> found = listed(sue);
            assertTrue(found.contains(sid) && !found.contains(calm), found.toString());
            for (String each : found) {
                assertTrue(a.json("/api/calls/" + each).path("utterances").toString().contains("furious"),
                        "only calls in which someone said it: " + each);
            }
            WebElement why = sue.driver.findElement(By.cssSelector("tr[data-match='" + sid + "']"));
            assertEquals(List.of("furious"), why.findElements(By.tagName("mark")).stream()
                    .map(m -> m.getText().toLowerCase(Locale.ROOT)).distinct().toList(), "the searched word, marked");
            assertTrue(why.getText().startsWith("caller"), "whose turn matched: " + why.getText());
            assertFalse(RAW_CARD.matcher(why.getText()).find() || RAW_EMAIL.matcher(why.getText()).find(),
                    why.getText());
            sue.screenshot("supervisor-02-searched-a-word");
            sue.driver.findElement(By.name("q")).clear();
            sue.driver.findElement(By.name("q")).sendKeys("monthly", Keys.ENTER);
            sue.wait.until(ExpectedConditions.urlContains("q=monthly"));
            assertTrue(listed(sue).contains(calm) && !listed(sue).contains(sid), listed(sue).toString());

            sue.driver.get(a.url() + "/supervisor/calls?q=furious");
            sue.driver.findElement(By.cssSelector("tr[data-call='" + sid + "'] a")).sendKeys(Keys.ENTER);
            sue.wait.until(ExpectedConditions.urlContains("/supervisor/calls/" + sid));
            for (String speaker : List.of("caller", "line", "agent")) {
                assertFalse(sue.driver.findElements(By.cssSelector("#turns .turn." + speaker)).isEmpty(), speaker);
            }
            String page = sue.driver.findElement(By.id("turns")).getText();
            assertTrue(page.contains("[card]"), page);
            assertFalse(RAW_CARD.matcher(page).find(), page);
            sue.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline-chart canvas")));
            String decisions = sue.driver.findElement(By.cssSelector(".decisions")).getText();
            assertTrue(decisions.contains("acknowledge") && decisions.contains("agent joined"), decisions);
            assertEquals(String.valueOf(sue.driver.findElements(By.cssSelector(".decisions li")).size()),
                    sue.driver.findElement(By.id("timeline-chart")).getAttribute("data-drawn"),
                    "every decision in the list is marked on the chart");
            sue.screenshot("supervisor-03-two-sided-call");
            Object exported = sue.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch('/supervisor/calls/' + arguments[0] + '/export').then(r => r.text()).then(done);""", sid);
            JsonNode export = Json.parse(String.valueOf(exported));
            assertEquals(stored.path("utterances").size(), export.path("turns").size());
            assertTrue(export.path("events").size() > 0);
            assertFalse(RAW_CARD.matcher(export.toString()).find());
        }

        try (Chromium adam = new Chromium()) {
            signIn(adam, a, "adam", "/supervisor/calls/" + sid);
            String views = adam.driver.findElement(By.cssSelector(".views")).getText();
            assertTrue(views.contains("sue (supervisor), opened its page")
                    && views.contains("sue (supervisor), exported it"), views);
            assertTrue(views.contains("API token (admin), read it through the API"), views);
            assertTrue(ZONED.matcher(views).find() && !views.contains("Z\n") && !views.endsWith("Z"),
                    "times on the operator's clock with its zone: " + views);
            adam.screenshot("supervisor-04-admin-sees-who-read-it");
            adam.driver.findElement(By.cssSelector("p.erase a")).sendKeys(Keys.ENTER);
            adam.wait.until(ExpectedConditions.urlContains("/supervisor/calls/" + sid + "/erase"));
            assertTrue(adam.driver.findElement(By.cssSelector("main")).getText().contains("cannot be undone"));
            adam.screenshot("supervisor-05-erase-asks-to-confirm");
            adam.driver.findElement(By.name("confirm")).click();
            adam.driver.findElement(By.cssSelector("form.erase button[type=submit]")).sendKeys(Keys.ENTER);
            adam.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"), "erased"));
            adam.driver.get(a.url() + "/supervisor/calls?q=furious");
            assertFalse(listed(adam).contains(sid));
            adam.driver.get(a.url() + "/supervisor/audit");
            String audit = adam.driver.findElement(By.cssSelector("main")).getText();
            assertTrue(audit.contains("adam (admin) erased it " + sid), audit);
            adam.screenshot("supervisor-06-audit-after-erasure");
        }
        try (RedisClient redis = a.redis()) {
            // Only the fact that it was erased stays (in the index and in the call's own slot), which keeps writes
            // still on their way from storing it again.
            String marker = Store.key("calmline:", "call:" + sid + ":erased");
            for (String key : RedisContents.of(redis).keySet()) {
                assertFalse(key.contains(sid) && !key.equals(marker), "erased, yet still in Redis: " + key);
                if (redis.type(key).equals("zset") && !key.equals(Store.key("calmline:", "calls:erased"))) {
                    assertEquals(null, redis.zscore(key, sid), "erased, yet still indexed in " + key);
                }
            }
        }
    }

    @Test
    void anAngryCallStreamedIntoOneInstanceAlertsTheOtherInstancesPagesAtOnce() throws Exception {
        try (Chromium sue = new Chromium()) {
            signIn(sue, b, "sue", "/supervisor");
            sue.driver.executeScript(WATCH);
            Simulator.Call hot = a.waiting("card-angry", deployment.twilio()::accepts, 4);
            By alert = By.cssSelector("#alerts li[data-call='" + hot.callSid + "']");
            sue.wait.until(ExpectedConditions.visibilityOfElementLocated(alert));
            assertEquals("yes", sue.driver.executeScript("return window.__loadedOnce"), "no reload: it was pushed");
            assertTrue(text(sue, alert).contains("crossed the alert level"), text(sue, alert));
            sue.screenshot("supervisor-06-hot-call-alert");

            sue.driver.findElement(By.cssSelector("#alerts li[data-call='" + hot.callSid + "'] a")).sendKeys(Keys.ENTER);
            sue.wait.until(ExpectedConditions.urlContains("/supervisor/calls/" + hot.callSid));
            assertFalse(sue.driver.findElements(By.cssSelector("#turns .badge.live")).isEmpty(), "shown as live");
            sue.driver.executeScript(WATCH);
            By turns = By.cssSelector("#turns .turn.caller");
            int said = sue.driver.findElements(turns).size();
            hot.play(Fixture.load("callback-calm").mulaw(), 4);
            sue.wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(turns, said));
            assertEquals("yes", sue.driver.executeScript("return window.__loadedOnce"), "it grew without a reload");
            sue.screenshot("supervisor-07-live-call-growing");

            sue.driver.get(b.url() + "/supervisor");
            sue.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#week-chart canvas")));
            sue.driver.executeScript(WATCH);
            By callsToday = By.cssSelector("[data-figure=calls]");
            int before = Integer.parseInt(text(sue, callsToday));
            hot.stop();
            hot.close();
            a.simulator().awaitEnd(hot.callSid, Duration.ofSeconds(60));
            sue.wait.until(d -> Integer.parseInt(text(sue, callsToday)) == before + 1);
            assertEquals("yes", sue.driver.executeScript("return window.__loadedOnce"), "the figure changed without a reload");
            sue.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#week-chart canvas")));
            assertEquals("0", text(sue, By.cssSelector("[data-figure=talk-overs]")));
            sue.screenshot("supervisor-08-dashboard");
        }
    }

    @Test
    void anAgentGets403OnTheSupervisorsPagesAndASupervisorCannotErase() throws Exception {
        Browserless ann = new Browserless(a.url());
        ann.login("ann", PASSWORD);
        assertEquals(403, ann.get("/supervisor").statusCode());
        assertEquals(403, ann.get("/supervisor/calls").statusCode());
        assertEquals(403, ann.get("/api/supervisor/calls").statusCode());
        Browserless sue = new Browserless(a.url());
        sue.login("sue", PASSWORD);
        assertEquals(200, sue.get("/supervisor").statusCode());
        HttpResponse<String> erase = sue.post("/supervisor/calls/CA" + "0".repeat(32) + "/erase",
                Map.of("_csrf", sue.csrf()));
        assertEquals(403, erase.statusCode(), "erasure is for admins");
        try (Chromium browser = new Chromium()) {
            signIn(browser, a, "ann", "/agent");
            browser.driver.get(a.url() + "/supervisor");
            assertTrue(browser.driver.getPageSource().contains("supervisor role"), browser.driver.getPageSource());
            browser.screenshot("supervisor-09-agent-forbidden");
        }
    }

    @Test
    void anAdminAddsAUserChangesTheirRoleResetsTheirPasswordAndDisablesThemOnTheUsersPage() throws Exception {
        try (Chromium adam = new Chromium()) {
            signIn(adam, a, "adam", "/admin/users");
            assertTrue(adam.driver.findElements(By.cssSelector("tr[data-user=adam] form")).isEmpty(),
                    "an admin cannot lock themselves out");
            adam.driver.findElement(By.id("new-name")).sendKeys("nina");
            new Select(adam.driver.findElement(By.id("new-role"))).selectByValue("agent");
            adam.driver.findElement(By.cssSelector("form.new-user button")).sendKeys(Keys.ENTER);
            String first = adam.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("one-time-password")))
                    .getText();
            adam.screenshot("supervisor-10-user-added-with-one-time-password");
            Browserless nina = new Browserless(a.url());
            assertEquals("/password", nina.login("nina", first).headers().firstValue("Location").orElse(""),
                    "the one-time password works once, to choose their own");
            assertEquals(403, nina.get("/api/supervisor/calls").statusCode(), "an agent");

            new Select(adam.driver.findElement(By.id("role-nina"))).selectByValue("supervisor");
            adam.driver.findElement(By.cssSelector("tr[data-user=nina] form.role button")).sendKeys(Keys.ENTER);
            adam.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"),
                    "nina is now a supervisor"));
            assertEquals(200, nina.get("/api/supervisor/calls").statusCode(), "the new role holds in her open session");
            assertFalse(adam.driver.getPageSource().contains(first), "a password is shown once, and never again");

            adam.driver.findElement(By.cssSelector("tr[data-user=nina] form.reset button")).sendKeys(Keys.ENTER);
            adam.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"), "reset"));
            String second = adam.driver.findElement(By.id("one-time-password")).getText();
            assertFalse(second.equals(first));
            assertEquals(401, nina.get("/api/supervisor/calls").statusCode(), "her sessions ended");
            assertEquals(401, new Browserless(a.url()).login("nina", first).statusCode(), "the old password is gone");
            Browserless again = new Browserless(a.url());
            assertEquals(303, again.login("nina", second).statusCode());

            adam.driver.findElement(By.cssSelector("tr[data-user=nina] form.disable button")).sendKeys(Keys.ENTER);
            adam.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice"), "disabled"));
            assertEquals(401, again.get("/api/supervisor/calls").statusCode(), "a disabled user's sessions end");
            assertEquals(401, new Browserless(a.url()).login("nina", second).statusCode(), "and they cannot sign in");
            assertTrue(text(adam, By.cssSelector("tr[data-user=nina]")).toLowerCase(Locale.ROOT).contains("disabled"));

            String changes = text(adam, By.cssSelector("#changes ~ table"));
            for (String change : List.of("added as agent", "role agent → supervisor", "password reset", "disabled")) {
                assertTrue(changes.contains("adam (admin) nina " + change), change + " in " + changes);
            }
            assertTrue(ZONED.matcher(changes).find(), changes);
            adam.screenshot("supervisor-11-user-disabled-and-the-audit");

            Browserless forged = new Browserless(a.url());
            forged.login("adam", PASSWORD);
            HttpResponse<String> noToken = forged.post("/admin/users", Map.of("name", "mallory", "role", "admin"));
            assertEquals(403, noToken.statusCode(), "every change needs the session's CSRF token");
            adam.driver.navigate().refresh();
            assertTrue(adam.driver.findElements(By.cssSelector("tr[data-user=mallory]")).isEmpty());
        }
    }

    /**
     * card-angry (a card number and an e-mail read out), then the agent joins: agent-reply's audio on the
     * outbound track before the join (the line's side, not transcribed) and again after (transcribed).
     */
    private static String cardCallWithAgent() throws Exception {
        Fixture caller = Fixture.load("card-angry");
        Simulator simulator = a.simulator();
        Simulator.Call call = simulator.dial("+15555550142", "+15555550199");
        deployment.twilio().accepts(call.callSid);
        byte[] agent = Files.readAllBytes(Path.of("src/test/resources/agent-side/agent-reply.ulaw"));
        try (call) {
            call.connect().playListening(caller.mulaw(), caller.script(), 4);
            bothTracks(call, agent);
            HttpResponse<String> dial = simulator.post("/twilio/connect?agent=ann&to=client%3Aann",
                    Map.of("CallSid", call.callSid));
            assertTrue(dial.body().contains("<Client>ann</Client>"), dial.body());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (simulator.events(call.callSid).stream().noneMatch(e -> e.path("type").asText().equals("agent-joined"))) {
                assertTrue(System.nanoTime() < deadline, "the stream's instance heard that the agent joined");
                Thread.sleep(20);
            }
            bothTracks(call, agent);
            call.stop();
        }
        simulator.awaitEnd(call.callSid, Duration.ofSeconds(60));
        return call.callSid;
    }

    /** {@code outbound} on the outbound track with the caller silent, paced at 4× real time. */
    private static void bothTracks(Simulator.Call call, byte[] outbound) throws InterruptedException {
        byte[] silence = new byte[160];
        Arrays.fill(silence, (byte) 0xFF);
        long t0 = System.nanoTime();
        for (int off = 0, i = 0; off + 160 <= outbound.length; off += 160, i++) {
            long due = t0 + i * 5_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            call.mediaBothTracks(silence, Arrays.copyOfRange(outbound, off, off + 160));
        }
    }

    /** Every key in the shared Redis and the captured log hold neither the card nor the address, in any form. */
    private static void assertNoRawCardOrEmail() throws Exception {
        try (RedisClient redis = a.redis()) {
            int scanned = 0;
            for (Map.Entry<String, String> kept : RedisContents.of(redis).entrySet()) {
                String key = kept.getKey();
                String content = kept.getValue();
                String all = key + "\n" + content;
                assertFalse(RAW_CARD.matcher(all).find(), "raw card digits in " + key + ": " + content);
                assertFalse(RAW_EMAIL.matcher(all).find(), "a raw e-mail address in " + key + ": " + content);
                scanned++;
            }
            assertTrue(scanned > 20, "scanned " + scanned + " keys");
        }
        String log = LOG.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("agent joined"), "the log was captured");
        assertFalse(RAW_CARD.matcher(log).find(), "raw card digits in the log");
        assertFalse(RAW_EMAIL.matcher(log).find(), "a raw e-mail address in the log");
    }


    private static List<String> listed(Chromium browser) {
        return browser.wait.ignoring(StaleElementReferenceException.class).until(d -> d.findElements(
                By.cssSelector("tr[data-call]")).stream().map(e -> e.getAttribute("data-call")).toList());
    }

    private static String text(Chromium browser, By element) {
        return browser.wait.ignoring(StaleElementReferenceException.class).until(d -> d.findElement(element).getText());
    }

    private static void signIn(Chromium browser, RunningService on, String user, String page) {
        browser.driver.get(on.url() + page);
        browser.wait.until(ExpectedConditions.urlContains("/login"));
        browser.driver.findElement(By.id("user")).sendKeys(user);
        browser.driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
        browser.wait.until(ExpectedConditions.urlContains(page));
        browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("main")));
    }
}
