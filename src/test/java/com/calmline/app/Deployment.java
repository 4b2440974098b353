package com.calmline.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * What every end-to-end test runs against, started and stopped in one place: Twilio's stand-in (WireMock,
 * which the real Twilio SDK talks to), Redis (the embedded server the first instance starts, or a
 * redis-server of the deployment's own that a test can stop and start again), and instances of the real
 * service, in this JVM or as the packaged jar in a process of its own, every one sharing that Redis and that
 * Twilio. Registered as a JUnit extension it starts before and is closed after: once for the class as a static
 * field, once for each test as an instance field. {@link #start} does the same by hand.
 */
public final class Deployment implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AutoCloseable {
    /** The password of every user a deployment adds. */
    public static final String PASSWORD = "correct horse battery";
    /** The number callbacks ring from on a deployment that {@linkplain Builder#ringsCallbacks rings callbacks}. */
    public static final String CALLER_ID = "+14155550100";
    /** The signing token of demo mode, which is public: what a test forging webhooks in demo mode signs with. */
    public static final String DEMO_AUTH_TOKEN = Config.DEMO_AUTH_TOKEN;

    private final Optional<String> authToken;
    private final Map<String, String> env;
    private final List<Map<String, String>> instanceEnvs;
    private final boolean ownRedis;
    private final Optional<RedisCluster> cluster;
    private final Map<String, String> users;
    private final List<RunningService> instances = new ArrayList<>();
    /** Instances and processes in the order they were started: they are closed newest first. */
    private final List<AutoCloseable> running = new ArrayList<>();
    private TwilioStandIn twilio;
    private Redis redis;
    private boolean perTest;
    private boolean started;

    private Deployment(Builder b) {
        this.authToken = b.authToken;
        this.env = Map.copyOf(b.env);
        this.instanceEnvs = List.copyOf(b.instances);
        this.ownRedis = b.ownRedis;
        this.cluster = b.cluster;
        this.users = new LinkedHashMap<>(b.users);
    }

    /** A live line: Twilio credentials signing with {@code authToken}, every REST call going to the stand-in. */
    public static Builder live(String authToken) {
        return new Builder(Optional.of(authToken));
    }

    /** Demo mode, as the README's first command runs it: no Twilio credentials, nothing sent to Twilio. */
    public static Builder demo() {
        return new Builder(Optional.empty());
    }

    public static final class Builder {
        private final Optional<String> authToken;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<Map<String, String>> instances = new ArrayList<>(List.of(Map.of()));
        private final Map<String, String> users = new LinkedHashMap<>();
        private boolean ownRedis;
        private Optional<RedisCluster> cluster = Optional.empty();

        private Builder(Optional<String> authToken) {
            this.authToken = authToken;
        }

        /** An environment variable for every instance and process. */
        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> more) {
            env.putAll(more);
            return this;
        }

        /** {@code n} alike instances started with the deployment (one by default). */
        public Builder instances(int n) {
            while (instances.size() < n) {
                instances.add(Map.of());
            }
            while (instances.size() > n) {
                instances.remove(instances.size() - 1);
            }
            return this;
        }

        /** One more instance started with the deployment, with {@code extraEnv} on top of the shared environment. */
        public Builder instance(Map<String, String> extraEnv) {
            instances.add(Map.copyOf(extraEnv));
            return this;
        }

        /** No instance starts with the deployment: the test starts them ({@link #startInstance}, {@link #startProcess}). */
        public Builder noInstances() {
            instances.clear();
            return this;
        }

        /**
         * Callbacks ring from {@link #CALLER_ID}, on a line open every day (so only the 08:00-21:00 rule applies),
         * numbers without a zone of their own on {@code zone}'s clock, retried after 1 s, leased for 1 s.
         */
        public Builder ringsCallbacks(ZoneId zone) {
            Path routing;
            try {
                routing = Files.createTempDirectory("calmline-routing");
                Files.writeString(routing.resolve("hours.txt"), String.join("\n", List.of("mon", "tue", "wed", "thu",
                        "fri", "sat", "sun").stream().map(d -> d + " 00:00 23:59").toList()) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return env(Map.of("TWILIO_CALLER_ID", CALLER_ID, "CALLBACK_RETRY_SECONDS", "1",
                    "CALLBACK_LEASE_SECONDS", "1", "ROUTING_DIR", routing.toString(),
                    "DEFAULT_TIME_ZONE", zone.getId()));
        }

        /** Redis is a redis-server of the deployment's own, which the test can stop and start again. */
        public Builder ownRedis() {
            ownRedis = true;
            return this;
        }

        /** Redis is {@code cluster} (REDIS_CLUSTER), which the deployment stops with itself. */
        public Builder redisCluster(RedisCluster cluster) {
            this.cluster = Optional.of(cluster);
            return env(cluster.env());
        }

        /** A user, added by the real {@code user add} once the first instance is up; password {@link #PASSWORD}. */
        public Builder user(String name, String role) {
            users.put(name, role);
            return this;
        }

        public Deployment build() {
            return new Deployment(this);
        }

        /** Built and started now, for a test that closes it itself. */
        public Deployment start() throws Exception {
            Deployment d = build();
            d.up();
            return d;
        }
    }

    /** A zone (fixed offset) where it is between 10:00 and 18:00 now, so a callback due now may ring. */
    public static ZoneId middayZone() {
        return zoneWhereTheHourIs(10, 18);
    }

    /** A zone (fixed offset, UTC-12 to UTC+14) where the hour now is at least {@code from} and before {@code to}. */
    public static ZoneId zoneWhereTheHourIs(int from, int to) {
        for (int h = -14; h <= 12; h++) {
            ZoneId zone = ZoneId.of("Etc/GMT" + (h >= 0 ? "+" + h : Integer.toString(h)));
            int hour = ZonedDateTime.now(zone).getHour();
            if (hour >= from && hour < to) {
                return zone;
            }
        }
        throw new IllegalStateException("no zone where it is between " + from + ":00 and " + to + ":00");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        up();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!started) {
            perTest = true;
            up();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (perTest) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    private void up() throws Exception {
        started = true;
        if (authToken.isPresent()) {
            twilio = new TwilioStandIn();
        }
        if (ownRedis) {
            redis = Redis.own();
        }
        for (Map<String, String> extra : instanceEnvs) {
            startInstance(extra);
        }
        for (Map.Entry<String, String> user : users.entrySet()) {
            instances.get(0).addUser(user.getKey(), user.getValue(), PASSWORD);
        }
    }

    /** Twilio's stand-in; only on a live line. */
    public TwilioStandIn twilio() {
        if (twilio == null) {
            throw new IllegalStateException("a demo-mode deployment has no Twilio");
        }
        return twilio;
    }

    /** The first instance. */
    public RunningService service() {
        return instance(0);
    }

    public RunningService instance(int i) {
        return instances.get(i);
    }

    /** The Redis every instance shares: the deployment's own, or the one the first instance embeds. */
    public Redis redis() throws IOException {
        if (redis == null) {
            RunningService first = service();
            redis = new Redis(first.redisPort(), first.redisPassword(), first.dataDir(), false);
        }
        return redis;
    }

    /** The environment an instance gets besides its port and data directory: Twilio, Redis, the API token. */
    public Map<String, String> env() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("API_TOKEN", RunningService.API_TOKEN);
        if (twilio != null) {
            all.putAll(twilio.liveEnv(authToken.orElseThrow()));
        }
        if (cluster.isEmpty() && (redis != null || !instances.isEmpty())) {
            all.put("REDIS_URL", redis().url());
        }
        // Twilio streams a frame every 20 ms whatever happens; the simulator, playing faster than real time, stops
        // sending while it waits for the service to catch up, for as long as a loaded machine makes it. So streams
        // stall here only after Jetty's idle timeout, as before stalls were watched; a test of stalls sets its own.
        all.put("STREAM_STALL_SECONDS", "30");
        all.putAll(env);
        return all;
    }

    /** Another instance in this JVM, sharing Redis and Twilio, with {@code extraEnv} on top. */
    public RunningService startInstance(Map<String, String> extraEnv) throws Exception {
        Map<String, String> all = env();
        all.putAll(extraEnv);
        RunningService instance = RunningService.start(all);
        instances.add(instance);
        running.add(instance);
        return instance;
    }

    /** The packaged service as a process of its own (see {@link ServiceProcess}), sharing Redis and Twilio. */
    public ServiceProcess startProcess(String name, Map<String, String> extraEnv, List<String> jvmFlags)
            throws Exception {
        Map<String, String> all = env();
        all.putAll(extraEnv);
        ServiceProcess process = ServiceProcess.start(all, name, jvmFlags);
        running.add(process);
        return process;
    }

    public ServiceProcess startProcess(String name, Map<String, String> extraEnv) throws Exception {
        return startProcess(name, extraEnv, ServiceProcess.JVM_FLAGS);
    }

    /** Stops what is still running: instances and processes newest first, then Redis, then Twilio. Safe twice. */
    @Override
    public void close() throws Exception {
        Exception failed = null;
        for (AutoCloseable c : closeOrder()) {
            try {
                c.close();
            } catch (Exception e) {
                failed = failed == null ? e : failed;
            }
        }
        running.clear();
        instances.clear();
        redis = null;
        twilio = null;
        started = false;
        if (failed != null) {
            throw failed;
        }
    }

    private List<AutoCloseable> closeOrder() {
        List<AutoCloseable> order = new ArrayList<>();
        for (int i = running.size() - 1; i >= 0; i--) {
            order.add(running.get(i));
        }
        if (redis != null) {
            order.add(redis);
        }
        cluster.ifPresent(order::add);
        if (twilio != null) {
            order.add(twilio);
        }
        return order;
    }

    /**
     * The deployment's Redis: where it listens, with its password, and (for a test of outages) stopping it,
     * killing it as a crash would, and starting it again on the same port with the same data.
     */
    public static final class Redis implements AutoCloseable {
        private static final Pattern PID = Pattern.compile("process_id:(\\d+)");
        private final int port;
        private final String password;
        private final Path dir;
        /** The deployment's own server, which the test starts; else the embedded one, which the service runs. */
        private final boolean own;
        private RedisServer server;

        private Redis(int port, String password, Path dir, boolean own) throws IOException {
            this.port = port;
            this.password = password;
            this.dir = dir;
            this.own = own;
            if (own) {
                startOwn();
            }
        }

        static Redis own() throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            return new Redis(port, HexFormat.of().formatHex(secret), Files.createTempDirectory("calmline-redis"),
                    true);
        }

        public int port() {
            return port;
        }

        /** As REDIS_URL names it. */
        public String url() {
            return "redis://:" + password + "@127.0.0.1:" + port;
        }

        /** A client, to look at (or age) what is kept; the caller closes it. */
        public RedisClient client() {
            return RedisClient.create("127.0.0.1", port, null, password);
        }

        /** One connection of its own (for MONITOR, which holds its connection); the caller closes it. */
        public Jedis connection() {
            return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().password(password)
                    .build());
        }

        /** Stops the server (it writes its append-only file as it goes, so what it took is there again on start). */
        public void stop() throws IOException {
            if (server != null) {
                server.stop();
                server = null;
            }
        }

        /** SIGKILL, as a crash or the OOM killer ends it: nothing is flushed. */
        public void kill() throws Exception {
            long pid;
            try (RedisClient redis = client()) {
                Matcher m = PID.matcher(redis.info("server"));
                if (!m.find()) {
                    throw new IllegalStateException("INFO does not name the server's process");
                }
                pid = Long.parseLong(m.group(1));
            }
            ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
            if (!process.destroyForcibly()) {
                throw new IllegalStateException("could not kill redis-server " + pid);
            }
            process.onExit().get(10, TimeUnit.SECONDS);
            server = null;
        }

        /**
         * A redis-server on the same port, with the same password and data directory. The embedded server is the
         * service's to start again (it supervises it): this waits until it answers.
         */
        public void start() throws IOException, InterruptedException {
            if (!own) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!answers()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the service never started its embedded Redis again");
                    }
                    Thread.sleep(20);
                }
                return;
            }
            startOwn();
        }

        private void startOwn() throws IOException {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("requirepass " + password)
                    .setting("dir " + dir.toAbsolutePath()).setting("appendonly yes").setting("save \"\"").build();
            server.start();
        }

        private boolean answers() {
            try (RedisClient redis = client()) {
                return "PONG".equals(redis.ping());
            } catch (redis.clients.jedis.exceptions.JedisException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            stop();
        }
    }
}
