package com.calmline.app;

import com.calmline.callback.CallbackScheduler;
import com.calmline.conversation.VentingPolicy;
import com.calmline.privacy.LogEncoder;
import com.calmline.review.Supervision;
import com.calmline.store.Store;
import com.calmline.web.ClientAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** Everything the operator can set, from environment variables; every one has a working default. */
record Config(
        int port,
        Optional<String> host,
        boolean demoOnNetwork,
        Optional<String> publicBaseUrl,
        ClientAddress trustedProxies,
        Optional<String> twilioAccountSid,
        String twilioAuthToken,
        Optional<String> twilioCallerId,
        Optional<URI> redisUrl,
        Optional<Store.Cluster> redisCluster,
        Path dataDir,
        String redisPrefix,
        Duration transcriptRetention,
        Path voskModelDir,
        Path promptsDir,
        int listenSeconds,
        Duration streamStall,
        int callBacklogFrames,
        int maxLiveCalls,
        int decoderThreads,
        Duration twilioTimeout,
        Duration shutdownGrace,
        Optional<String> apiToken,
        Optional<String> twilioApiBaseUrl,
        Path routingDir,
        Optional<String> twilioWorkflowSid,
        CallbackScheduler.Settings callbacks,
        VentingPolicy.Settings venting,
        Supervision.Settings supervision,
        Optional<LogEncoder.Format> logFormat) {

    /**
     * Calls one core transcribes at real time; the default MAX_LIVE_CALLS is this times the cores. With one
     * decoder thread per core taking the oldest audio first, lag stays flat until the cores are busy, so
     * capacity follows Vosk's CPU per call. On a quiet 2-core machine with the static graph and beam 9 / 2500,
     * {@code mvn -B -Pbench-load verify -Dbench.steps=8,16,24,32 -Dbench.holdSeconds=20 -Dbench.keepGoing=true}
     * kept 32 calls at real time (lag p95 59 ms, an agent on a quarter of them) with the service at 48 % of the
     * machine; 12 per core leaves a quarter of that for louder calls (callers there spoke a third of the time).
     */
    static final int CALLS_PER_CORE = 12;

    /** Signs and checks requests when no real Twilio account is configured (demo mode). */
    static final String DEMO_AUTH_TOKEN = "calmline-demo-auth-token";

    static Config fromEnv(Map<String, String> env) {
        credentials(env);
        Config config = new Config(
                integer(env, "PORT", 8080),
                optional(env, "HOST"),
                bool(env, "DEMO_ON_NETWORK"),
                optional(env, "PUBLIC_BASE_URL"),
                ClientAddress.trusting(env.getOrDefault("TRUSTED_PROXIES", "")),
                optional(env, "TWILIO_ACCOUNT_SID"),
                optional(env, "TWILIO_AUTH_TOKEN").orElse(DEMO_AUTH_TOKEN),
                optional(env, "TWILIO_CALLER_ID"),
                optional(env, "REDIS_URL").map(Config::redisUrl),
                redisCluster(env),
                Path.of(env.getOrDefault("DATA_DIR", "data")),
                env.getOrDefault("REDIS_PREFIX", "calmline:"),
                Duration.ofDays(integer(env, "TRANSCRIPT_RETENTION_DAYS", 90)),
                Path.of(env.getOrDefault("VOSK_MODEL_DIR", "models/model-en-us")),
                Path.of(env.getOrDefault("PROMPTS_DIR", "prompts")),
                integer(env, "LISTEN_SECONDS", 5),
                Duration.ofSeconds(integer(env, "STREAM_STALL_SECONDS", 3)),
                integer(env, "CALL_BACKLOG_FRAMES", 3000),
                integer(env, "MAX_LIVE_CALLS", CALLS_PER_CORE * Runtime.getRuntime().availableProcessors()),
                integer(env, "DECODER_THREADS", Runtime.getRuntime().availableProcessors()),
                Duration.ofMillis(integer(env, "TWILIO_TIMEOUT_MS", 3000)),
                Duration.ofSeconds(integer(env, "SHUTDOWN_GRACE_SECONDS", 8)),
                optional(env, "API_TOKEN"),
                optional(env, "TWILIO_API_BASE_URL"),
                Path.of(env.getOrDefault("ROUTING_DIR", "routing")),
                optional(env, "TWILIO_WORKFLOW_SID"),
                new CallbackScheduler.Settings(
                        optional(env, "TWILIO_CALLER_ID"),
                        integer(env, "CALLBACK_MAX_ATTEMPTS", 3),
                        Duration.ofSeconds(integer(env, "CALLBACK_RETRY_SECONDS", 600)),
                        Duration.ofSeconds(integer(env, "CALLBACK_LEASE_SECONDS", 120)),
                        fraction(env, "FOLLOW_UP_ANGER", 0.6),
                        env.getOrDefault("CALLBACK_QUEUE", "callbacks"),
                        env.getOrDefault("DEFAULT_PHONE_REGION", "US"),
                        zone(env.getOrDefault("DEFAULT_TIME_ZONE", "America/New_York")),
                        Duration.ofDays(integer(env, "TRANSCRIPT_RETENTION_DAYS", 90))),
                new VentingPolicy.Settings(
                        integer(env, "PAUSE_MS", 1000),
                        integer(env, "ANGRY_PAUSE_MS", 1500),
                        integer(env, "MAX_ACK_ROUNDS", 3),
                        integer(env, "MAX_VENTING_SECONDS", 120),
                        fraction(env, "VENTING_ANGER", 0.5),
                        fraction(env, "CALM_ANGER", 0.35),
                        integer(env, "PROMPT_AFTER_MS", 2500),
                        integer(env, "SILENT_START_MS", 6000)),
                new Supervision.Settings(
                        fraction(env, "ALERT_ANGER", 0.8),
                        integer(env, "ALERT_AFTER_ACKNOWLEDGEMENTS", 2),
                        zone(env.getOrDefault("DEFAULT_TIME_ZONE", "America/New_York")),
                        Duration.ofDays(integer(env, "TRANSCRIPT_RETENTION_DAYS", 90))),
                logFormat(env));
        if (config.maxLiveCalls() < 1) {
            throw new IllegalArgumentException("MAX_LIVE_CALLS must be at least 1");
        }
        if (config.streamStall().getSeconds() < 1) {
            throw new IllegalArgumentException("STREAM_STALL_SECONDS must be at least 1: Twilio sends a frame every "
                    + "20 ms, so a stream quiet this long is lost");
        }
        if (config.decoderThreads() < 1) {
            throw new IllegalArgumentException("DECODER_THREADS must be at least 1");
        }
        if (config.twilioTimeout().toMillis() < 100) {
            throw new IllegalArgumentException("TWILIO_TIMEOUT_MS must be at least 100");
        }
        if (config.venting().calmAnger() > config.venting().ventingAnger()) {
            throw new IllegalArgumentException("CALM_ANGER must not be above VENTING_ANGER");
        }
        if (config.twilioWorkflowSid().isPresent() && !config.twilioWorkflowSid().get().matches("WW[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("TWILIO_WORKFLOW_SID must be WW followed by 32 hex digits");
        }
        if (config.publicBaseUrl().isEmpty() && !config.demoMode()) {
            throw new IllegalArgumentException("PUBLIC_BASE_URL is required when Twilio credentials are set");
        }
        if (config.demoMode() && !config.demoOnNetwork() && config.host().isPresent()
                && !loopback(config.host().get())) {
            throw new IllegalArgumentException("HOST=" + config.host().get() + " would put demo mode on the network, "
                    + "and demo mode's signing token is public: anyone who reaches the port could forge calls, "
                    + "webhooks and media streams. Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN for a live line, "
                    + "or DEMO_ON_NETWORK=true to expose the demo anyway");
        }
        return config;
    }

    /**
     * Both Twilio credentials, or neither (demo mode). One without the other is a mistake that would otherwise
     * quietly run a public number's line in demo mode, checking Twilio's signatures against a public token.
     */
    private static void credentials(Map<String, String> env) {
        boolean sid = optional(env, "TWILIO_ACCOUNT_SID").isPresent();
        Optional<String> token = optional(env, "TWILIO_AUTH_TOKEN");
        if (sid && token.isEmpty()) {
            throw new IllegalArgumentException("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not: set both "
                    + "for a live line, or neither for demo mode");
        }
        if (!sid && token.isPresent()) {
            throw new IllegalArgumentException("TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not: set both "
                    + "for a live line, or neither for demo mode");
        }
        if (token.filter(DEMO_AUTH_TOKEN::equals).isPresent()) {
            throw new IllegalArgumentException("TWILIO_AUTH_TOKEN is the demo token, which is public: a live line "
                    + "needs its Twilio account's own auth token");
        }
    }

    /**
     * Where Twilio reaches us: PUBLIC_BASE_URL, or in demo mode this machine on the port actually bound
     * (PORT may be 0). TwiML sent by REST needs absolute URLs, so a live line must name its public URL.
     */
    String baseUrl(int boundPort) {
        return publicBaseUrl.orElse("http://localhost:" + boundPort);
    }

    /**
     * The interface to listen on: HOST, or in demo mode, whose signing token is public, only this machine
     * unless DEMO_ON_NETWORK says otherwise; otherwise every interface.
     */
    String listenHost() {
        return host.orElse(demoMode() && !demoOnNetwork ? "127.0.0.1" : "0.0.0.0");
    }

    /** Demo mode reachable from other machines: only ever when DEMO_ON_NETWORK asked for it. */
    boolean demoExposed() {
        return demoMode() && !loopback(listenHost());
    }

    /** Session cookies are marked Secure when the service is reached over https. */
    boolean https() {
        return publicBaseUrl.map(u -> u.startsWith("https://")).orElse(false);
    }

    /** Without real Twilio credentials nothing is sent to Twilio; what would be sent is logged instead. */
    boolean demoMode() {
        return twilioAccountSid.isEmpty();
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("HOST=" + host + " is not an address of this machine");
        }
    }

    /**
     * REDIS_CLUSTER (host:port,host:port), with REDIS_USER, REDIS_PASSWORD and REDIS_TLS for every node; it
     * cannot be combined with REDIS_URL, which names one server.
     */
    private static Optional<Store.Cluster> redisCluster(Map<String, String> env) {
        Optional<String> nodes = optional(env, "REDIS_CLUSTER");
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        if (optional(env, "REDIS_URL").isPresent()) {
            throw new IllegalArgumentException("set REDIS_URL (one server) or REDIS_CLUSTER (a cluster), not both");
        }
        return Optional.of(new Store.Cluster(Arrays.stream(nodes.get().split(",")).map(String::trim)
                .filter(n -> !n.isEmpty()).toList(), optional(env, "REDIS_USER"), optional(env, "REDIS_PASSWORD"),
                bool(env, "REDIS_TLS")));
    }

    /** Never quoted back when it is refused: it holds the password. */
    private static URI redisUrl(String url) {
        try {
            URI uri = new URI(url);
            if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new IllegalArgumentException("REDIS_URL must be a URL such as redis://:PASSWORD@HOST:6379/0");
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("DEFAULT_TIME_ZONE must be a zone such as Europe/London, not '" + id + "'");
        }
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** LOG_FORMAT, when it is set; otherwise whoever starts the service decides (a terminal reads text). */
    private static Optional<LogEncoder.Format> logFormat(Map<String, String> env) {
        Optional<String> value = optional(env, "LOG_FORMAT");
        try {
            return value.map(LogEncoder.Format::of);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LOG_FORMAT must be json or text, not '" + value.get() + "'");
        }
    }

    private static boolean bool(Map<String, String> env, String name) {
        String value = optional(env, name).orElse("false");
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static double fraction(Map<String, String> env, String name, double fallback) {
        String value = optional(env, name).orElse(null);
        if (value == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException(name + " must be a number from 0 to 1, not '" + value + "'");
        }
        return d;
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = optional(env, name).orElse(null);
        if (value == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, such as " + fallback + ", not '"
                    + value + "'");
        }
        if (n < 0) {
            throw new IllegalArgumentException(name + " must not be negative, not '" + value + "'");
        }
        if (name.equals("PORT") && n > 65535) {
            throw new IllegalArgumentException("PORT must be from 0 (any free port) to 65535, not '" + value + "'");
        }
        return n;
    }
}
