package com.calmline.app;

import com.calmline.store.Store;
import com.calmline.telephony.TwilioRoutes;
import com.calmline.telephony.TwilioSignature;
import io.javalin.Javalin;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Benchmark, not a test ({@code mvn -B -Pbench-webhook verify}; {@code -Dbench.redis=single|cluster} for one
 * engine): on one Redis server, then on a Redis Cluster, Twilio's first request for a new call,
 * {@code POST /twilio/voice} signed with the account's auth token, against the whole service (real Redis, live
 * Twilio configuration with WireMock as the REST API), beside a bare Javalin handler that returns the same
 * bytes, in the same JVM, alternating A/B/A/B at each concurrency. Prints figures; never fails on time.
 *
 * <p>The load is closed-loop over keep-alive connections from plain sockets: the JDK HttpClient hands every
 * request between three threads, which on two cores costs about as much as the bare handler and would hide
 * the difference being measured. The service's log lines go to a file, as in production they go to stdout.
 */
public final class WebhookBench {
    private static final String TOKEN = "bench-auth-token-" + Long.toHexString(System.nanoTime());
    private static final String PATH = "/twilio/voice";
    private static final int[] CONCURRENCY = {1, 8, 32};
    /** Long enough for the JIT to settle: shorter, and compilations still run through the first timed rounds. */
    private static final long WARM_UP_MS = 10_000;
    private static final long RUN_MS = 2000;
    private static final int ROUNDS = 4;
    /** Makes every call sid of this run new to Redis, so each request creates a call. */
    private static final long RUN_ID = ThreadLocalRandom.current().nextLong();
    private static final AtomicLong CALLS = new AtomicLong();
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * Per-request latencies (ns), errors, the wall time of one timed run and the CPU time this JVM spent in it
     * (server and load generator; the generator's share is the same for both servers, as are the requests).
     */
    record Run(long[] nanos, long errors, long elapsedNanos, long cpuNanos) {
        double perSecond() {
            return nanos.length * 1e9 / elapsedNanos;
        }

        static Run merge(List<Run> runs) {
            long[] all = runs.stream().flatMapToLong(r -> Arrays.stream(r.nanos)).sorted().toArray();
            return new Run(all, runs.stream().mapToLong(Run::errors).sum(),
                    runs.stream().mapToLong(Run::elapsedNanos).sum(), runs.stream().mapToLong(Run::cpuNanos).sum());
        }

        double cpuMicrosPerRequest() {
            return cpuNanos / 1e3 / nanos.length;
        }

        double percentileMs(double p) {
            return nanos.length == 0 ? Double.NaN : nanos[Math.min(nanos.length - 1, (int) Math.ceil(p * nanos.length) - 1)] / 1e6;
        }

        double maxMs() {
            return nanos.length == 0 ? Double.NaN : nanos[nanos.length - 1] / 1e6;
        }
    }

    /** On one server, then on a Redis Cluster (three masters, a replica each), in the same run. */
    public static void main(String[] args) throws Exception {
        for (String engine : RedisCluster.benchEngines()) {
            RedisCluster cluster = engine.equals("cluster") ? RedisCluster.start(3) : null;
            Deployment.Builder builder = Deployment.live(TOKEN).env("HOST", "127.0.0.1");
            if (cluster != null) {
                builder.redisCluster(cluster);
            }
            try (Deployment deployment = builder.start()) {
                System.out.printf("%n== Redis: %s ==%n", cluster == null ? "one server" : "cluster of 3 masters, "
                        + "3 replicas");
                run(deployment.service(), cluster);
            }
        }
    }

    private static void run(RunningService service, RedisCluster cluster) throws Exception {
        PrintStream console = System.out;
        Path logs = Files.createTempFile("calmline-webhookbench", ".log");
        try {
            try {
                String twiml = answer(service.port());
                Javalin bare = Javalin.create(c -> {
                    c.startup.showJavalinBanner = false;
                    c.routes.post(PATH, ctx -> ctx.contentType(TwilioRoutes.TWIML).result(twiml));
                }).start("127.0.0.1", 0);
                try (PrintStream serviceLog = new PrintStream(new BufferedOutputStream(
                        new FileOutputStream(logs.toFile()), 128), true)) {
                    System.setOut(serviceLog);
                    bench(console, service, bare.port(), twiml.getBytes(StandardCharsets.UTF_8).length, cluster);
                } finally {
                    System.setOut(console);
                    bare.stop();
                }
                console.printf("service log lines written meanwhile: %d (to %s, deleted)%n",
                        Files.readAllLines(logs).size(), logs.getFileName());
            } finally {
                service.close();
                // Tens of thousands of calls in Redis's append-only file: not worth keeping.
                try (java.util.stream.Stream<Path> files = Files.walk(service.dataDir())) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(logs);
        }
    }

    private static void bench(PrintStream out, RunningService service, int barePort, int twimlBytes,
                              RedisCluster cluster) throws Exception {
        int servicePort = service.app.port();
        out.printf("POST %s, each a new signed call (%d form fields), answered with %d bytes of TwiML%n", PATH,
                form(0).size(), twimlBytes);
        out.printf("service: the whole app (signature check, call record in Redis, stream token, log line); "
                + "bare: Javalin 7 returning the same bytes%n");
        out.printf("cores %d, load average %.1f; closed loop over keep-alive connections; warm-up %d s each, then "
                + "per concurrency %d x %d s per server, alternating service/bare; error: not 200 or no <Stream>%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), WARM_UP_MS / 1000, ROUNDS, RUN_MS / 1000);
        long serviceAnswered = 1 + run(servicePort, 8, WARM_UP_MS).nanos().length;
        run(barePort, 8, WARM_UP_MS);
        out.println();
        out.println("(cpu/req: this JVM's CPU time per request, load generator, GC and JIT included; Redis's not)");
        out.println("conc | service: p50     p99     max   req/s  cpu/req |    bare: p50     p99     max   req/s  "
                + "cpu/req | p99 ratio | errors");
        for (int c : CONCURRENCY) {
            List<Run> ours = new ArrayList<>();
            List<Run> bares = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                ours.add(run(servicePort, c, RUN_MS));
                bares.add(run(barePort, c, RUN_MS));
            }
            Run s = Run.merge(ours);
            serviceAnswered += s.nanos().length;
            Run b = Run.merge(bares);
            out.printf("%4d | %8.2fms %6.2fms %6.2fms %7.0f %6.0fus | %5.2fms %6.2fms %6.2fms %7.0f %6.0fus | %8.2fx "
                    + "| %d/%d%n", c, s.percentileMs(0.50), s.percentileMs(0.99), s.maxMs(), s.perSecond(),
                    s.cpuMicrosPerRequest(), b.percentileMs(0.50), b.percentileMs(0.99), b.maxMs(), b.perSecond(),
                    b.cpuMicrosPerRequest(), s.percentileMs(0.99) / b.percentileMs(0.99), s.errors(), b.errors());
            out.printf("     | p99 per round: service %s, bare %s%n", p99s(ours), p99s(bares));
        }
        out.printf("load average now %.1f%n", loadAverage());
        out.println();
        // Every answered webhook must have stored its call: the figures above include that real write.
        long stored;
        String fsync;
        String key = Store.key(service.config.redisPrefix(), "calls:by-start");
        if (cluster == null) {
            try (RedisClient redis = service.redis()) {
                stored = redis.zcard(key);
                fsync = redis.configGet("appendfsync").getOrDefault("appendfsync", "?");
            }
        } else {
            try (UnifiedJedis redis = cluster.client()) {
                stored = redis.zcard(key);
                fsync = cluster.setting("appendfsync");
            }
        }
        out.printf("service: %d calls answered 200, %d call records in Redis, answered counter %.0f; "
                + "Redis appendfsync %s (always: each answer waits for its write's fsync)%n", serviceAnswered, stored,
                service.metric("calmline_calls_answered_total"), fsync);
    }

    /** Other work on the machine skews the figures, the service's more (it needs more CPU per request). */
    private static double loadAverage() {
        return CPU.getSystemLoadAverage();
    }

    private static String p99s(List<Run> runs) {
        return runs.stream().map(r -> String.format("%.2f", r.percentileMs(0.99))).toList().toString();
    }

    /** C connections posting new calls back to back for {@code ms}; latency is request written to answer read. */
    private static Run run(int port, int concurrency, long ms) throws Exception {
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            connections.add(new Connection(port));
        }
        CountDownLatch go = new CountDownLatch(1);
        long[][] results = new long[concurrency][];
        long[] errors = new long[concurrency];
        long[] finished = new long[concurrency];
        List<Thread> threads = new ArrayList<>();
        long[] started = new long[1];
        for (int i = 0; i < concurrency; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                long[] nanos = new long[1 << 14];
                int count = 0;
                try {
                    go.await();
                    long deadline = started[0] + ms * 1_000_000;
                    while (System.nanoTime() < deadline) {
                        byte[] request = request(port, CALLS.getAndIncrement());
                        long t0 = System.nanoTime();
                        Response response = connections.get(n).post(request);
                        long took = System.nanoTime() - t0;
                        // A greeting that starts no stream would be the overflow path: not the webhook measured.
                        if (response.status() != 200 || !new String(response.body(), StandardCharsets.UTF_8)
                                .contains("<Stream")) {
                            errors[n]++;
                            continue;
                        }
                        if (count == nanos.length) {
                            nanos = Arrays.copyOf(nanos, count * 2);
                        }
                        nanos[count++] = took;
                    }
                } catch (Exception e) {
                    errors[n]++;
                    System.err.println("load connection failed: " + e);
                }
                results[n] = Arrays.copyOf(nanos, count);
                finished[n] = System.nanoTime();
            }, "load-" + i);
            threads.add(t);
            t.start();
        }
        long cpu = CPU.getProcessCpuTime();
        started[0] = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        cpu = CPU.getProcessCpuTime() - cpu;
        for (Connection c : connections) {
            c.close();
        }
        long end = Arrays.stream(finished).max().orElseThrow();
        long[] all = Arrays.stream(results).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Run(all, Arrays.stream(errors).sum(), end - started[0], cpu);
    }

    /** The service's own answer to one call, which the bare handler then returns verbatim. */
    private static String answer(int port) throws IOException {
        try (Connection c = new Connection(port)) {
            Response r = c.post(request(port, CALLS.getAndIncrement()));
            String body = new String(r.body(), StandardCharsets.UTF_8);
            if (r.status() != 200 || !body.contains("<Stream")) {
                throw new IllegalStateException("the service did not answer a signed call: " + r.status() + " " + body);
            }
            return body;
        }
    }

    /** Twilio's form for a new inbound call, as its voice webhook posts it. */
    private static Map<String, String> form(long n) {
        String from = "+1415" + (2_000_000 + n % 8_000_000);
        String to = "+1800555" + (1000 + n % 10);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", TwilioStandIn.ACCOUNT);
        form.put("ApiVersion", "2010-04-01");
        form.put("CallSid", String.format("CA%016x%016x", RUN_ID, n));
        form.put("CallStatus", "ringing");
        form.put("Called", to);
        form.put("CalledCountry", "US");
        form.put("CalledState", "");
        form.put("CalledZip", "");
        form.put("CalledCity", "");
        form.put("Caller", from);
        form.put("CallerCity", "SAN FRANCISCO");
        form.put("CallerCountry", "US");
        form.put("CallerState", "CA");
        form.put("CallerZip", "94105");
        form.put("Direction", "inbound");
        form.put("From", from);
        form.put("FromCity", "SAN FRANCISCO");
        form.put("FromCountry", "US");
        form.put("FromState", "CA");
        form.put("FromZip", "94105");
        form.put("StirVerstat", "TN-Validation-Passed-A");
        form.put("To", to);
        form.put("ToCity", "");
        form.put("ToCountry", "US");
        form.put("ToState", "");
        form.put("ToZip", "");
        return form;
    }

    /** The bytes of call {@code n}'s signed webhook; the same request goes to either server. */
    private static byte[] request(int port, long n) {
        Map<String, String> form = form(n);
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        byte[] content = body.toString().getBytes(StandardCharsets.UTF_8);
        String head = "POST " + PATH + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "User-Agent: TwilioProxy/1.1\r\n"
                + "Accept: */*\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "X-Twilio-Signature: " + TwilioSignature.sign(TOKEN, TwilioStandIn.PUBLIC_URL + PATH, form) + "\r\n"
                + "Content-Length: " + content.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + content.length);
        System.arraycopy(content, 0, request, headBytes.length, content.length);
        return request;
    }

    record Response(int status, byte[] body) {
    }

    /** One keep-alive HTTP/1.1 connection: writes a request, reads the whole answer (sized or chunked). */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        Response post(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
                     size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                body.write(in.readNBytes(length));
            } else {
                throw new IOException("answer with neither length nor chunks: " + status);
            }
            return new Response(code, body.toByteArray());
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-answer");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
