package com.calmline.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.calmline.app.Browserless;
import com.calmline.app.Chromium;
import com.calmline.app.Deployment;
import com.calmline.app.LiveEvents;
import com.calmline.app.RunningService;
import com.calmline.app.TcpRelay;
import com.calmline.store.Store;
import com.calmline.web.Auth;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Who may do what, on the real service with real Redis sessions, as a browser and a machine see it. The
 * service trusts one reverse proxy, 127.0.0.2: a relay that reaches it from there stands in for the proxy,
 * another from 127.0.0.3 for a stranger writing X-Forwarded-For itself.
 */
class AuthIT {
    private static final String PASSWORD = Deployment.PASSWORD;
    @RegisterExtension
    static final Deployment deployment = Deployment.live("auth-it-token").env("TRUSTED_PROXIES", "127.0.0.2")
            .user("ann", "agent").user("ada", "admin").user("tess", "agent").user("tom", "agent").user("liv", "agent")
            .user("sue", "supervisor").user("pat", "agent").user("max", "agent").user("una", "agent")
            .user("sid", "supervisor").build();
    private static TcpRelay proxy;
    private static TcpRelay stranger;

    @BeforeAll
    static void relays() throws Exception {
        proxy = new TcpRelay(deployment.service().port(), InetAddress.getByName("127.0.0.2"));
        stranger = new TcpRelay(deployment.service().port(), InetAddress.getByName("127.0.0.3"));
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        stranger.close();
    }

    @Test
    void withoutASessionPagesGoToLoginAndTheApiAnswers401() throws Exception {
        Browserless nobody = new Browserless(deployment.service().url());
        HttpResponse<String> agent = nobody.get("/agent");
        assertEquals(302, agent.statusCode());
        assertEquals("/login?next=%2Fagent", agent.headers().firstValue("Location").orElseThrow());
        assertEquals(401, nobody.get("/api/calls/waiting").statusCode());
        assertEquals(401, nobody.get("/api/users").statusCode());
        assertEquals(401, nobody.post("/api/calls/CA" + "0".repeat(32) + "/take", Map.of()).statusCode());
        assertEquals(200, nobody.get("/login").statusCode());
    }

    @Test
    void aSignedInAgentGetsTheDeskButNotAdminRoutes() throws Exception {
        Browserless ann = new Browserless(deployment.service().url());
        HttpResponse<String> login = ann.login("ann", PASSWORD);
        assertEquals(303, login.statusCode(), login.body());
        assertEquals("/agent", login.headers().firstValue("Location").orElseThrow());
        String cookie = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("calmline_session=")).findFirst().orElseThrow();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);
        assertTrue(cookie.contains("Secure"), "PUBLIC_BASE_URL is https: " + cookie);
        assertEquals(200, ann.get("/agent").statusCode());
        assertEquals(200, ann.get("/api/calls/waiting").statusCode());
        assertEquals(403, ann.get("/api/users").statusCode());
        assertEquals(403, ann.post("/api/users", Map.of("_csrf", ann.csrf(), "name", "eve", "role", "admin",
                "password", PASSWORD)).statusCode(), "an agent cannot make users");

        Browserless ada = new Browserless(deployment.service().url());
        ada.login("ada", PASSWORD);
        HttpResponse<String> users = ada.get("/api/users");
        assertEquals(200, users.statusCode());
        assertTrue(users.body().contains("\"name\":\"ann\""), users.body());
        assertFalse(users.body().contains("hash"), "no password hash ever leaves Redis: " + users.body());
    }

    @Test
    void aStateChangeWithoutTheSessionsCsrfTokenIsRefused() throws Exception {
        Browserless ann = new Browserless(deployment.service().url());
        ann.login("ann", PASSWORD);
        String sid = "/api/calls/CA" + "1".repeat(32) + "/take";
        assertEquals(403, ann.post(sid, Map.of()).statusCode(), "no token");
        HttpResponse<String> forged = ann.post(sid, Map.of("_csrf", "forged-" + ann.csrf()));
        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("CSRF"), forged.body());
        assertEquals(404, ann.post(sid, Map.of("_csrf", ann.csrf())).statusCode(), "the real token passes; no such call");
        assertEquals(403, ann.post("/logout", Map.of("_csrf", "forged")).statusCode());
        assertEquals(303, ann.post("/logout", Map.of("_csrf", ann.csrf())).statusCode());
        assertEquals(302, ann.get("/agent").statusCode(), "signed out: the session is gone from Redis");
    }

    @Test
    void aLiveFeedEndsOnceItsSessionIsSignedOutOrHasExpired() throws Exception {
        Browserless liv = new Browserless(deployment.service().url());
        liv.login("liv", PASSWORD);
        String csrf = liv.csrf();
        try (LiveEvents desk = liv.events("/agent/events")) {
            assertEquals(200, desk.status());
            desk.next(Duration.ofSeconds(30));
            assertEquals(303, liv.post("/logout", Map.of("_csrf", csrf)).statusCode());
            List<LiveEvents.Event> last = desk.end(Duration.ofSeconds(60));
            assertSignedOut(last, "waiting");
        }

        Browserless sue = new Browserless(deployment.service().url());
        sue.login("sue", PASSWORD);
        try (LiveEvents alerts = sue.events("/supervisor/events")) {
            alerts.next(Duration.ofSeconds(30));
            expire(sue);
            assertSignedOut(alerts.end(Duration.ofSeconds(60)), "alerts");
        }
    }

    @Test
    void theDeskPageSaysItIsSignedOutAndStopsListeningWhenItsSessionExpires() throws Exception {
        try (Chromium browser = new Chromium()) {
            browser.driver.get(deployment.service().url() + "/agent");
            browser.driver.findElement(By.id("user")).sendKeys("liv");
            browser.driver.findElement(By.id("password")).sendKeys(PASSWORD, Keys.ENTER);
            browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("waiting")));
            browser.wait.until(d -> Long.valueOf(1).equals(((JavascriptExecutor) d).executeScript(FEED_STATE)));
            try (RedisClient redis = deployment.service().redis()) {
                redis.pexpire(Store.key(deployment.service().redisPrefix(), "session:"
                        + browser.driver.manage().getCookieNamed("calmline_session").getValue()), 1);
            }
            browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("waiting"), "Signed out"));
            browser.wait.until(d -> Long.valueOf(2).equals(((JavascriptExecutor) d).executeScript(FEED_STATE)));
            browser.screenshot("auth-desk-signed-out");
        }
    }

    @Test
    void aNewPasswordNeedsTheCurrentOneAndEndsEveryOtherSession() throws Exception {
        String next = "a brand new passphrase";
        Browserless desk = new Browserless(deployment.service().url());
        desk.login("max", PASSWORD);
        Browserless phone = new Browserless(deployment.service().url());
        phone.login("max", PASSWORD);
        String csrf = desk.csrf();
        try (LiveEvents phoneFeed = phone.events("/agent/events")) {
            phoneFeed.next(Duration.ofSeconds(30));
            HttpResponse<String> without = desk.post("/password", Map.of("_csrf", csrf, "password", next, "repeat", next));
            assertEquals(403, without.statusCode(), "an open session alone cannot change the password");
            HttpResponse<String> wrong = desk.post("/password", Map.of("_csrf", csrf, "current", "not my password",
                    "password", next, "repeat", next));
            assertEquals(403, wrong.statusCode());
            assertTrue(wrong.body().contains("That is not your current password."), wrong.body());
            assertEquals(200, phone.get("/agent").statusCode(), "refused changes end nothing");

            HttpResponse<String> changed = desk.post("/password", Map.of("_csrf", csrf, "current", PASSWORD,
                    "password", next, "repeat", next));
            assertEquals(303, changed.statusCode(), changed.body());
            assertEquals(302, phone.get("/agent").statusCode(), "the phone's session ended");
            assertEquals("signed-out", last(phoneFeed.end(Duration.ofSeconds(60))).name(), "and its live page with it");
        }
        assertEquals(200, desk.get("/agent").statusCode(), "the session that changed it goes on");
        assertEquals(401, new Browserless(deployment.service().url()).login("max", PASSWORD).statusCode());
        assertEquals(303, new Browserless(deployment.service().url()).login("max", next).statusCode());
    }

    @Test
    void theLoginFormItselfNeedsItsOwnToken() throws Exception {
        Browserless b = new Browserless(deployment.service().url());
        b.get("/login");
        HttpResponse<String> r = b.post("/login", Map.of("_csrf", "guess", "user", "ann", "password", PASSWORD));
        assertEquals(403, r.statusCode());
        assertTrue(b.cookie("calmline_session").isEmpty());
    }

    @Test
    void theSixthWrongPasswordInAMinuteIsThrottledEvenIfTheSeventhIsRight() throws Exception {
        Browserless b = new Browserless(deployment.service().url());
        for (int i = 1; i <= 5; i++) {
            assertEquals(401, b.login("tess", "wrong password " + i).statusCode(), "attempt " + i);
        }
        HttpResponse<String> sixth = b.login("tess", "wrong password 6");
        assertEquals(429, sixth.statusCode());
        assertEquals("60", sixth.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(429, b.login("tess", PASSWORD).statusCode(), "throttled, however right");
        assertEquals(303, new Browserless(deployment.service().url()).login("ann", PASSWORD).statusCode(),
                "another user from the same address is not locked out by tess's failures");
    }

    /** Each guesser reaches the service from an address of its own (127.0.0.4, .5), so no other test counts. */
    @Test
    void guessesSentInParallelAreCountedBeforeAnyIsChecked() throws Exception {
        try (TcpRelay one = new TcpRelay(deployment.service().port(), InetAddress.getByName("127.0.0.4"));
             TcpRelay other = new TcpRelay(deployment.service().port(), InetAddress.getByName("127.0.0.5"))) {
            List<HttpResponse<String>> onePerson = inParallel(one, 20, i -> "pat", i -> Optional.empty());
            assertEquals(5, count(onePerson, 401), "five guesses at pat's password are checked, no more: "
                    + statuses(onePerson));
            assertEquals(15, count(onePerson, 429), statuses(onePerson));

            List<HttpResponse<String>> oneAddress = inParallel(other, 25, i -> "nobody" + i, i -> Optional.empty());
            assertEquals(20, count(oneAddress, 401), "twenty guesses from one address are checked, no more: "
                    + statuses(oneAddress));
            assertEquals(5, count(oneAddress, 429), statuses(oneAddress));
        }
        for (int i = 1; i <= 7; i++) {
            assertEquals(303, new Browserless(deployment.service().url()).login("ann", PASSWORD).statusCode(),
                    "a right password uses up nothing: sign-in " + i);
        }
    }

    /** Twenty failures from one address in a minute are allowed; the 21st is refused. */
    @Test
    void xForwardedForCountsOnlyWhenATrustedProxyAddedIt() throws Exception {
        List<HttpResponse<String>> clients = inParallel(proxy, 20, i -> "wisp" + i, i -> Optional.of("203.0.113." + i));
        assertEquals(20, count(clients, 401), statuses(clients));
        assertEquals(401, failedSignIn(proxy, "wisp21", "203.0.113.21"),
                "through the proxy each client counts for itself, not as the proxy");

        List<HttpResponse<String>> spoofed = inParallel(stranger, 21, i -> "ghost" + i,
                i -> Optional.of("198.51.100." + i));
        assertEquals(1, count(spoofed, 429), "a stranger's own X-Forwarded-For is ignored: all 21 came from "
                + "127.0.0.3, " + statuses(spoofed));

        List<HttpResponse<String>> appended = inParallel(proxy, 21, i -> "shade" + i,
                i -> Optional.of("192.0.2." + i + ", 203.0.113.200"));
        assertEquals(1, count(appended, 429), "what the client wrote before the address the proxy appended is not "
                + "believed: " + statuses(appended));
    }

    @Test
    void twoAgentsTakingOneCallAtOnceOneWinsAndTheOtherSeesWho() throws Exception {
        RunningService.Listened call = deployment.service().listen("billing-calm", deployment.twilio()::accepts, 4);
        Browserless ann = new Browserless(deployment.service().url());
        ann.login("ann", PASSWORD);
        Browserless tom = new Browserless(deployment.service().url());
        tom.login("tom", PASSWORD);
        String path = "/api/calls/" + call.callSid() + "/take";
        String annToken = ann.csrf();
        String tomToken = tom.csrf();
        ExecutorService both = Executors.newFixedThreadPool(2);
        List<Future<HttpResponse<String>>> answers = both.invokeAll(List.<Callable<HttpResponse<String>>>of(
                () -> ann.post(path, Map.of("_csrf", annToken)), () -> tom.post(path, Map.of("_csrf", tomToken))));
        both.shutdown();
        HttpResponse<String> a = answers.get(0).get();
        HttpResponse<String> t = answers.get(1).get();
        assertEquals(List.of(200, 409), a.statusCode() == 200 ? List.of(a.statusCode(), t.statusCode())
                : List.of(t.statusCode(), a.statusCode()), a.body() + " / " + t.body());
        String winner = a.statusCode() == 200 ? "ann" : "tom";
        HttpResponse<String> loser = a.statusCode() == 200 ? t : a;
        assertTrue(loser.body().contains("\"agent\":\"" + winner + "\""), loser.body());
        assertTrue(loser.body().contains("\"mine\":false"), loser.body());
    }

    @Test
    void aFirstDemoStartPrintsOneTimePasswordsOnceAndTheyMustBeChanged() throws Exception {
        Logger authLog = (Logger) LoggerFactory.getLogger(Auth.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        authLog.addAppender(captured);
        Path data = Files.createTempDirectory("calmline-demo");
        String printed;
        try (Deployment demo = Deployment.demo().env("DATA_DIR", data.toString()).start()) {
            printed = captured.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("one-time passwords")).findFirst().orElseThrow();
            Matcher m = Pattern.compile("agent\\s+(\\S{16})").matcher(printed);
            assertTrue(m.find(), printed);
            Browserless agent = new Browserless(demo.service().url());
            HttpResponse<String> first = agent.login("agent", m.group(1));
            assertEquals("/password", first.headers().firstValue("Location").orElseThrow());
            assertEquals(303, agent.get("/agent").statusCode(), "the desk waits until the password is changed");
            String csrf = Browserless.csrfIn(agent.get("/password").body());
            assertEquals(403, agent.post("/password", Map.of("_csrf", csrf, "password", PASSWORD, "repeat", PASSWORD))
                    .statusCode(), "the one-time password is the current one, and is asked for");
            assertEquals(303, agent.post("/password", Map.of("_csrf", csrf, "current", m.group(1), "password", PASSWORD,
                    "repeat", PASSWORD)).statusCode());
            assertEquals(200, agent.get("/agent").statusCode());
            assertEquals(401, new Browserless(demo.service().url()).login("agent", m.group(1)).statusCode(),
                    "the one-time password is spent");
        } finally {
            authLog.detachAppender(captured);
        }
        long before = captured.list.size();
        authLog.addAppender(captured);
        try (Deployment again = Deployment.demo().env("DATA_DIR", data.toString()).start()) {
            assertTrue(captured.list.stream().skip(before).noneMatch(e -> e.getFormattedMessage()
                    .contains("one-time")), "a restart prints no passwords");
        } finally {
            authLog.detachAppender(captured);
        }
    }

    @Test
    void signingOutWorksBeforeTheOneTimePasswordIsChanged() throws Exception {
        oneTime("una");
        try (Chromium browser = new Chromium()) {
            signIn(browser, "/agent", "una", PASSWORD);
            browser.wait.until(ExpectedConditions.urlContains("/password"));
            browser.driver.findElement(By.cssSelector("header form[action='/logout'] button")).click();
            browser.wait.until(ExpectedConditions.urlContains("/login"));
            browser.driver.get(deployment.service().url() + "/password");
            browser.wait.until(ExpectedConditions.urlContains("/login"));
            assertTrue(browser.driver.manage().getCookieNamed("calmline_session") == null,
                    "the session cookie is gone, and the session with it");
        }
    }

    @Test
    void afterChoosingAPasswordTheSignInGoesOnToThePageItAskedFor() throws Exception {
        oneTime("sid");
        String chosen = "a supervisor's own passphrase";
        try (Chromium browser = new Chromium()) {
            signIn(browser, "/supervisor", "sid", PASSWORD);
            browser.wait.until(ExpectedConditions.urlContains("/password"));
            browser.driver.findElement(By.id("current")).sendKeys(PASSWORD);
            browser.driver.findElement(By.id("password")).sendKeys(chosen);
            browser.driver.findElement(By.id("repeat")).sendKeys(chosen, Keys.ENTER);
            browser.wait.until(ExpectedConditions.urlToBe(deployment.service().url() + "/supervisor"));
            assertEquals("Signed in as sid (supervisor)", browser.driver.findElement(By.cssSelector("header .who"))
                    .getText(), "the user once, with the role");
        }
    }

    @Test
    void refusedAndMissingPagesAreFriendlyPagesInTheLayout() throws Exception {
        try (Chromium browser = new Chromium()) {
            signIn(browser, "/agent", "ann", PASSWORD);
            browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("waiting")));
            browser.driver.get(deployment.service().url() + "/supervisor");
            assertEquals("This is not open to you", browser.driver.findElement(By.tagName("h1")).getText());
            assertTrue(browser.driver.findElement(By.cssSelector(".error-page .what")).getText()
                    .contains("needs the supervisor role"));
            assertTrue(browser.driver.findElement(By.cssSelector("header .who")).getText().contains("ann"),
                    "in the layout, still signed in");
            browser.screenshot("auth-403-page");
            browser.driver.findElement(By.linkText("Agent desk")).click();
            browser.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("waiting")));

            browser.driver.get(deployment.service().url() + "/nope");
            assertEquals("Nothing here", browser.driver.findElement(By.tagName("h1")).getText());
            assertEquals("There is no page at /nope.", browser.driver.findElement(By.cssSelector(".error-page .what"))
                    .getText());
            browser.screenshot("auth-404-page");
        }
        Browserless ann = new Browserless(deployment.service().url());
        ann.login("ann", PASSWORD);
        assertEquals(403, ann.get("/supervisor").statusCode());
        assertEquals(404, ann.get("/nope").statusCode());
        HttpResponse<String> typed = ann.get("/calls/4155550142");
        assertEquals(404, typed.statusCode());
        assertTrue(typed.body().contains("There is no page at /calls/[number].")
                && !typed.body().contains("4155550142"), "a number typed into the address is not shown: " + typed.body());
        HttpResponse<String> malformed = ann.get("/agent?call=CA123");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("a call sid is CA followed by 32 hex digits")
                && malformed.body().contains("error-page"), malformed.body());
        Browserless sue = new Browserless(deployment.service().url());
        sue.login("sue", PASSWORD);
        HttpResponse<String> missing = sue.get("/supervisor/calls/CA" + "0".repeat(32));
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("error-page"), missing.body());
    }

    @Test
    void theApiAnswersErrorsAsJsonWithTheStatus() throws Exception {
        Browserless ann = new Browserless(deployment.service().url());
        ann.login("ann", PASSWORD);
        assertJsonError(ann.get("/api/nope"), 404, "no such endpoint: GET /api/nope");
        assertJsonError(ann.get("/api/users"), 403, "this needs the admin role; you have the agent role");
        assertJsonError(new Browserless(deployment.service().url()).get("/api/calls/waiting"), 401,
                "sign in, or send Authorization: Bearer API_TOKEN");
        assertJsonError(ann.get("/api/calls/CA123/screenpop"), 400, CallSid.SHAPE);
    }

    @Test
    void theFaviconIsServed() throws Exception {
        Browserless nobody = new Browserless(deployment.service().url());
        HttpResponse<String> ico = nobody.get("/favicon.ico");
        assertEquals(301, ico.statusCode());
        String icon = ico.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> svg = nobody.get(icon);
        assertEquals(200, svg.statusCode());
        assertTrue(svg.headers().firstValue("Content-Type").orElseThrow().startsWith("image/svg+xml"));
        assertTrue(svg.body().startsWith("<svg"), svg.body());
    }

    private static void assertJsonError(HttpResponse<String> answer, int status, String error) throws Exception {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals(error, com.calmline.json.Json.parse(answer.body()).path("error").asText(), answer.body());
    }

    /** Gives the user a one-time password, as a first demo start or an admin's reset does. */
    private static void oneTime(String user) {
        try (RedisClient redis = deployment.service().redis()) {
            redis.hset(Store.key(deployment.service().redisPrefix(), "user:" + user), "mustChange", "1");
        }
    }

    /** Asks for {@code path}, is sent to the sign-in form, and signs in there. */
    private static void signIn(Chromium browser, String path, String user, String password) {
        browser.driver.get(deployment.service().url() + path);
        browser.wait.until(ExpectedConditions.urlContains("/login"));
        browser.driver.findElement(By.id("user")).sendKeys(user);
        browser.driver.findElement(By.id("password")).sendKeys(password, Keys.ENTER);
    }

    /** The page's EventSource, as htmx keeps it: 1 open, 2 closed for good (0 while it reconnects). */
    private static final String FEED_STATE = "const s = document.querySelector('[sse-connect]')['htmx-internal-data']"
            + ".sseEventSource; return s ? s.readyState : -1;";

    private static LiveEvents.Event last(List<LiveEvents.Event> events) {
        assertFalse(events.isEmpty(), "the stream ended without a word");
        return events.get(events.size() - 1);
    }

    /** The stream's last events: every part the page had blanked, then the event that stops it listening. */
    private static void assertSignedOut(List<LiveEvents.Event> last, String part) {
        assertFalse(last.isEmpty(), "the stream ended without a word");
        assertEquals("signed-out", last.get(last.size() - 1).name(), last.toString());
        assertTrue(last.stream().anyMatch(e -> e.name().equals(part) && e.data().contains("Signed out")),
                last.toString());
    }

    /** Ages the person's session out of Redis, as its ten hours running out would. */
    private static void expire(Browserless who) throws Exception {
        try (RedisClient redis = deployment.service().redis()) {
            assertEquals(1, redis.pexpire(Store.key(deployment.service().redisPrefix(), "session:"
                    + who.cookie("calmline_session").orElseThrow()), 1));
        }
    }

    /** A sign-in with a wrong password through {@code relay}, from the clients {@code forwardedFor} names. */
    private static int failedSignIn(TcpRelay relay, String user, String forwardedFor) throws Exception {
        return new Browserless(relay.url(), Optional.of(forwardedFor)).login(user, "wrong password").statusCode();
    }

    /**
     * {@code n} wrong-password sign-ins through {@code relay}, the i-th as {@code user}, from the clients
     * {@code forwardedFor} names if any: each form fetched first, then all posted at once, so every attempt is counted
     * within the throttle's minute however long checking the passwords takes.
     */
    private static List<HttpResponse<String>> inParallel(TcpRelay relay, int n, IntFunction<String> user,
                                                         IntFunction<Optional<String>> forwardedFor) throws Exception {
        List<Callable<HttpResponse<String>>> posts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Browserless b = new Browserless(relay.url(), forwardedFor.apply(i));
            Map<String, String> form = Map.of("_csrf", Browserless.csrfIn(b.get("/login").body()), "user", user.apply(i),
                    "password", "wrong password " + i, "next", "/agent");
            posts.add(() -> b.post("/login", form));
        }
        ExecutorService all = Executors.newFixedThreadPool(n);
        try {
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : all.invokeAll(posts)) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            all.shutdown();
        }
    }

    private static long count(List<HttpResponse<String>> answers, int status) {
        return answers.stream().filter(r -> r.statusCode() == status).count();
    }

    private static String statuses(List<HttpResponse<String>> answers) {
        return answers.stream().map(r -> Integer.toString(r.statusCode())).toList().toString();
    }
}
