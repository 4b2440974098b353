package com.calmline.app;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged service ({@code target/calmline.jar}) as its own process, as it is deployed, so its CPU and
 * memory can be read from /proc apart from whatever drives it, and so it can be killed for real. Started by a
 * {@link Deployment}.
 */
public final class ServiceProcess implements AutoCloseable {
    /** The JVM flags the Docker image starts the service with. */
    public static final List<String> JVM_FLAGS = List.of("-XX:MaxRAMPercentage=75");
    private static final Pattern HEAP = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Process process;
    public final URI url;
    public final Path log;
    public final Path dataDir;

    private final Map<String, String> env;
    private boolean closed;

    private ServiceProcess(Process process, URI url, Path log, Path dataDir, Map<String, String> env) {
        this.process = process;
        this.url = url;
        this.log = log;
        this.dataDir = dataDir;
        this.env = Map.copyOf(env);
    }

    /** Started by a {@link Deployment}; {@code name} names its log, {@code target/NAME.log}. */
    static ServiceProcess start(Map<String, String> env, String name, List<String> jvmFlags) throws Exception {
        Path jar = Path.of("target", "calmline.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run through `mvn -Pbench-load verify`, which packages it");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString()));
        Path log = Path.of("target", name + ".log");
        Path data = Files.createTempDirectory("calmline-" + name);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // As the Docker image runs it: glibc's per-thread malloc arenas otherwise add tens of MB per call.
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("DATA_DIR", data.toString());
        ServiceProcess service = new ServiceProcess(builder.start(), URI.create("http://127.0.0.1:" + port), log, data,
                env);
        service.awaitUp();
        return service;
    }

    private void awaitUp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(url.resolve("/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("the service did not come up; see " + log);
    }

    /** Twilio's side of calls to this process, signing as Twilio would for its configuration. */
    public Simulator simulator() {
        return new Simulator(url, env.getOrDefault("PUBLIC_BASE_URL", url.toString()),
                env.getOrDefault("TWILIO_AUTH_TOKEN", Config.DEMO_AUTH_TOKEN),
                Optional.ofNullable(env.get("API_TOKEN")));
    }

    /** Its API, as a machine with the API token reads it. */
    public Api api() {
        return new Api(url);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash or the OOM killer ends it: no shutdown hook runs, nothing is flushed or closed. */
    public void kill() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-9", Long.toString(pid())).start().waitFor();
        process.waitFor();
    }

    /** User plus system CPU time the process has used, in clock ticks (/proc/PID/stat utime + stime). */
    public long cpuTicks() throws IOException {
        return Proc.cpuTicks(pid());
    }

    /** Resident memory (/proc/PID/status VmRSS), in kB. */
    public long rssKb() throws IOException {
        return Proc.rssKb(pid());
    }

    /** The service's Java heap, committed and used, in kB. */
    public record Heap(long committedKb, long usedKb) {
    }

    /**
     * The heap as {@code jcmd PID GC.heap_info} reports it, to tell how much of the RSS is the Java heap (grown
     * as the JVM saw fit) and how much native (Vosk, threads, code); empty where this Java has no jcmd.
     */
    public Optional<Heap> heap() throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.heap_info")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            Matcher m = HEAP.matcher(out);
            return m.find() ? Optional.of(new Heap(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Scrape metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(url.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + response.statusCode());
        }
        return Scrape.parse(response.body());
    }

    /** Stops the service as an orchestrator would (SIGTERM, then SIGKILL if it lingers) and removes its data; once. */
    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Reading a process's use of the machine from /proc. */
    public static final class Proc {
        /** Clock ticks per second, as /proc counts CPU time. */
        public static final long TICKS_PER_SECOND = ticksPerSecond();

        private Proc() {
        }

        public static long cpuTicks(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; fields after it start with state (3), utime is 14.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }

        public static long rssKb(long pid) throws IOException {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElseThrow(() -> new IOException("no VmRSS for process " + pid));
        }

        private static long ticksPerSecond() {
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(getconf.getInputStream().readAllBytes()).trim();
                return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
            } catch (IOException | InterruptedException | NumberFormatException e) {
                return 100;
            }
        }
    }
}
