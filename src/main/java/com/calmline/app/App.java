package com.calmline.app;

import com.calmline.agent.AgentDesk;
import com.calmline.agent.ScreenPops;
import com.calmline.callback.CallbackScheduler;
import com.calmline.conversation.VentingPolicy;
import com.calmline.emotion.AngerMeter;
import com.calmline.privacy.LogSafe;
import com.calmline.review.Supervision;
import com.calmline.review.Transcripts;
import com.calmline.routing.Router;
import com.calmline.speech.Transcriber;
import com.calmline.store.CallStore;
import com.calmline.store.Store;
import com.calmline.telephony.CallControl;
import com.calmline.telephony.TwilioRoutes;
import com.calmline.web.Auth;
import com.calmline.web.Pages;
import com.twilio.http.TwilioRestClient;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import redis.clients.jedis.exceptions.JedisException;

/** The running service, wired by hand: every part is constructed here and nowhere else. */
final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    private static final int MAX_WS_MESSAGE = 1024 * 1024;

    private final Config config;
    private final Store store;
    private final Transcriber transcriber;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Javalin server;
    private final AgentDesk desk;
    private final CallbackScheduler callbacks;
    private final Supervision supervision;
    private final AutoCloseable agentJoined;
    private final TwilioRoutes twilio;
    private final LogSafe.Limit storeDown = new LogSafe.Limit("store-unavailable", Level.WARN, 10);
    private volatile boolean closing;

    App(Config config) throws IOException {
        this.config = config;
        if (config.demoMode()) {
            log.warn("DEMO MODE: no Twilio credentials; requests are checked against the demo auth token and "
                    + "Twilio REST calls are logged instead of sent");
        }
        this.store = Store.open(config.redisUrl(), config.redisCluster(), config.dataDir(), config.redisPrefix(),
                config.transcriptRetention());
        this.transcriber = Transcriber.load(config.voskModelDir(), config.callBacklogFrames(), config.maxLiveCalls(),
                config.decoderThreads(), metrics);
        CallStore calls = store.calls();
        Transcripts transcripts = new Transcripts(calls, store.indexes(), config.supervision());
        Optional<TwilioRestClient> rest = config.demoMode() ? Optional.empty() : Optional.of(CallControl.restClient(
                config.twilioAccountSid().orElseThrow(), config.twilioAuthToken(), config.twilioApiBaseUrl(),
                config.twilioTimeout(), config.twilioTimeout()));
        CallControl control = new CallControl(rest, () -> config.baseUrl(port()), config.listenSeconds(),
                config.twilioWorkflowSid());
        config.twilioAccountSid().ifPresent(account -> control.checkAccount(account));
        AngerMeter anger = AngerMeter.load();
        Router router = Router.load(config.routingDir());
        ScreenPops screenPops = new ScreenPops(router, anger, config.promptsDir(), calls, transcripts,
                config.twilioWorkflowSid().isPresent(), metrics);
        Pages pages = new Pages();
        this.callbacks = new CallbackScheduler(config.callbacks(), calls, store.records(), store.indexes(), control,
                config.routingDir(), config.promptsDir(), transcripts, pages, metrics);
        VentingPolicy policy = new VentingPolicy(config.venting(), config.promptsDir(), anger, control,
                transcripts, screenPops, callbacks, metrics);
        this.twilio = new TwilioRoutes(config.twilioAuthToken(), config.publicBaseUrl(),
                config.listenSeconds(), config.streamStall(), policy.greeting(), calls, store.channels(), transcripts,
                transcriber, policy::forCall, control,
                new TwilioRoutes.PersonAtOnce(policy.personPrompt(), policy.lostPrompt(), policy.overflowPrompt(),
                        router.route("", 0).queue()),
                callbacks::requestedByKey, screenPops, callbacks::ended, metrics);
        Optional<String> apiToken = config.apiToken()
                .or(() -> config.demoMode() ? Optional.of(DemoToken.create(config.dataDir())) : Optional.empty());
        Auth auth = new Auth(store.records(), pages, apiToken, config.https(), config.supervision().zone());
        if (config.demoMode()) {
            auth.demoUsers();
        }
        this.desk = new AgentDesk(screenPops, calls, store.channels(), store.records(), control, pages, transcripts);
        this.supervision = new Supervision(calls, store.indexes(), store.records(), store.channels(), pages,
                config.supervision(), callbacks::erase);
        this.agentJoined = store.channels().follow(TwilioRoutes.AGENT_JOINED, twilio::agentJoined);
        this.server = Javalin.create(c -> {
            c.jsonMapper(new JavalinJackson());
            c.startup.showJavalinBanner = false;
            // ctx.ip(), which the sign-in throttle counts and the log names: X-Forwarded-For only from a proxy we trust.
            c.contextResolver.ip = config.trustedProxies()::of;
            // Our own frame check logs and drops an oversize frame; Jetty's limit would close the call.
            c.jetty.modifyWebSocketServletFactory(f -> f.setMaxTextMessageSize(MAX_WS_MESSAGE));
            c.staticFiles.enableWebjars();
            c.staticFiles.add(s -> {
                s.hostedPath = "/static";
                s.directory = "/static";
                s.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            });
            c.routes.get("/", ctx -> ctx.redirect("/agent"));
            // Browsers ask for /favicon.ico whatever the page says; the icon is an SVG among the static files.
            c.routes.get("/favicon.ico", ctx -> ctx.redirect("/static/favicon.svg", HttpStatus.MOVED_PERMANENTLY));
            c.routes.get("/health", this::health);
            c.routes.get("/ready", this::ready);
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            auth.register(c.routes);
            desk.register(c.routes);
            supervision.register(c.routes);
            callbacks.register(c.routes, twilio, desk);
            c.routes.exception(JedisException.class, (e, ctx) -> {
                storeDown.log(log, "store unavailable for {}: {}", LogSafe.text(ctx.path()), e.getMessage());
                auth.failed(ctx, 503, "store unavailable, try again shortly");
            });
            twilio.register(c.routes);
            transcripts.register(c.routes, desk);
        });
    }

    App start() {
        server.start(config.listenHost(), config.port());
        callbacks.start();
        supervision.start();
        log.info("Calmline listening on {}:{}{}", config.listenHost(), server.port(), config.demoMode()
                && !config.demoExposed() ? " (demo mode: this machine only; DEMO_ON_NETWORK=true would expose it)" : "");
        if (config.demoExposed()) {
            log.warn("DEMO MODE ON THE NETWORK (DEMO_ON_NETWORK=true): listening on {}:{}, and every webhook, media "
                    + "stream and /twilio/connect is checked against the public demo token, so anyone who reaches "
                    + "this port can forge calls. Never run it like this where strangers can reach it; set "
                    + "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN for a live line", config.listenHost(), server.port());
        }
        return this;
    }

    int port() {
        return server.port();
    }

    /**
     * Liveness: the process answers. 200 even while Redis is away, because a restart then would lose what the
     * outbox holds in memory and cut off the calls in progress; the body says what is degraded.
     */
    private void health(Context ctx) {
        ctx.json(state(store.reachable()));
    }

    /**
     * Readiness: a new call would be taken here. The model is loaded (or this would not answer), the service
     * is not shutting down, and Redis answers or the outbox journal can hold writes until it does. A full
     * line is still ready: its new callers go straight to a person, which beats no answer at all. Not while
     * the embedded Redis is being started again: this instance's own store is down, and a balancer should
     * send new calls to an instance whose store is up.
     */
    private void ready(Context ctx) {
        boolean redis = store.reachable();
        boolean ready = !closing && !store.restarting() && (redis || store.journaled());
        Map<String, Object> body = state(redis);
        body.put("status", closing ? "SHUTTING_DOWN" : ready ? "READY" : "NOT_READY");
        ctx.status(ready ? 200 : 503).json(body);
    }

    private Map<String, Object> state(boolean redis) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", redis ? "UP" : "DEGRADED");
        body.put("redis", redis ? "UP" : store.restarting() ? "RESTARTING" : "DOWN");
        store.clusterState().ifPresent(state -> body.put("redisCluster", state));
        body.put("heldWrites", store.heldWrites());
        body.put("refusedWrites", store.refusedWrites());
        body.put("model", "LOADED");
        body.put("modelDir", transcriber.modelDir().toString());
        body.put("liveCalls", transcriber.live());
        body.put("maxLiveCalls", transcriber.maxCalls());
        body.put("twilio", config.demoMode() ? "DEMO" : "LIVE");
        return body;
    }

    /**
     * Graceful shutdown: stop taking calls (not ready; new callers go straight to a person), hand every call
     * in progress to a person and finish its audio (last utterances and summaries stored), let callbacks
     * being dialled finish, stop the server, flush what the outbox holds (the journal keeps the rest).
     */
    @Override
    public void close() throws Exception {
        closing = true;
        log.info("shutting down: taking no new calls, handing {} calls in progress to a person", transcriber.live());
        twilio.drain(transcriber, config.shutdownGrace());
        callbacks.close();
        desk.close();
        supervision.close();
        agentJoined.close();
        twilio.close();
        server.stop();
        transcriber.close();
        store.close();
        log.info("shut down");
    }
}
