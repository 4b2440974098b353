package com.calmline.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.embedded.RedisServer;

/**
 * A real redis-server process for the zero-configuration demo, persisting to an append-only file. It listens
 * on loopback only and asks for a password, so other users of this machine cannot read or change it: a
 * random one kept owner-only in DATA_DIR, where a command run beside the service finds it with the port.
 * <p>
 * It is supervised: nothing else would ever start it again, so when the process exits (a crash, the OOM
 * killer) it is started again at once on the same port with the same configuration, and so with its data
 * (the append-only file in DATA_DIR). Until it answers, the outbox holds writes as in any outage and hands
 * them over once it does; {@link #restarting} says so meanwhile, for readiness.
 */
final class EmbeddedRedis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

    /** Where the running server's port is written, so a command run beside the service finds it. */
    static final String PORT_FILE = "redis.port";
    /** The password, readable by the service's user only. */
    static final String PASSWORD_FILE = "redis.password";
    /** What the server writes about itself (start, loading its data, why it stops): nothing of what it keeps. */
    static final String LOG_FILE = "redis.log";
    /** Loading a large append-only file takes a while; a server still not answering after this has failed. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    /** Between attempts at starting a server that would not start: half a second, doubling up to five. */
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    /** The binary and its configuration file (owner-only, deleted when the JVM exits), as the library writes them. */
    private final List<String> command;
    private final Path dataDir;
    private final int port;
    private final String password;
    private final Path portFile;
    /** One thread: restarts never overlap, and a failed one is tried again later without blocking anyone. */
    private final ScheduledExecutorService supervisor;
    private volatile Process process;
    private volatile boolean restarting;
    private volatile boolean closing;
    private volatile Runnable restarted = () -> { };
    private long downSinceNanos;
    private Duration retry = FIRST_RETRY;

    private EmbeddedRedis(List<String> command, Path dataDir, int port, String password) {
        this.command = command;
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
        this.portFile = dataDir.resolve(PORT_FILE);
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "embedded-redis");
            t.setDaemon(true);
            return t;
        });
    }

    static EmbeddedRedis start(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        int port = freePort();
        String password = Secret.keep(dataDir.resolve(PASSWORD_FILE));
        // Settings go to a config file the library creates owner-only, never onto the command line, which
        // every user of the machine can read. The library only writes it and finds the binary: the process is
        // run from here, because the library can neither say when it exits nor start it again once it has.
        List<String> command = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("requirepass " + password)
                .setting("dir " + dataDir.toAbsolutePath())
                .setting("appendonly yes")
                // A write Redis acknowledged must survive Redis being killed: the outbox forgets it then.
                .setting("appendfsync always")
                .setting("save \"\"")
                .buildCommandArgs();
        EmbeddedRedis server = new EmbeddedRedis(command, dataDir, port, password);
        try {
            server.launch();
        } catch (IOException e) {
            server.supervisor.shutdownNow();
            throw e;
        }
        // As the library did: a JVM that exits without closing the store does not leave the server behind.
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopProcess, "embedded-redis-stop"));
        Files.writeString(server.portFile, Integer.toString(port));
        log.info("Embedded Redis on 127.0.0.1:{}, data in {}", port, dataDir.toAbsolutePath());
        return server;
    }

    int port() {
        return port;
    }

    String password() {
        return password;
    }

    /** Run each time the server answers again after it exited, before it counts as back. */
    void onRestart(Runnable restarted) {
        this.restarted = restarted;
    }

    /** True from the moment the server exits until it answers again. */
    boolean restarting() {
        return restarting;
    }

    /** Starts the server and waits until it answers; then watches for it to exit. */
    private void launch() throws IOException {
        Process started = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(LOG_FILE).toFile()))
                .start();
        try {
            awaitAnswer(started);
        } catch (IOException e) {
            started.destroyForcibly();
            throw e;
        }
        process = started;
        started.onExit().thenRunAsync(() -> exited(started), supervisor);
    }

    private void awaitAnswer(Process started) throws IOException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        try (RedisClient client = RedisClient.create("127.0.0.1", port, null, password)) {
            while (true) {
                if (!started.isAlive()) {
                    throw new IOException("redis-server exited with code " + started.exitValue() + " as it started; see "
                            + dataDir.resolve(LOG_FILE).toAbsolutePath());
                }
                try {
                    if ("PONG".equals(client.ping())) {
                        return;
                    }
                } catch (JedisException e) {
                    // Still starting, or still loading its data: Redis refuses commands until it has.
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not answer within " + READY_WITHIN.toSeconds() + " s");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while redis-server started", e);
        }
    }

    private void exited(Process gone) {
        if (closing) {
            return;
        }
        restarting = true;
        downSinceNanos = System.nanoTime();
        log.warn("Embedded Redis (pid {}) exited with code {}; starting it again on 127.0.0.1:{} with its data in {}; "
                        + "writes are held until it answers", gone.pid(), gone.exitValue(), port,
                dataDir.toAbsolutePath());
        restart();
    }

    private void restart() {
        if (closing) {
            return;
        }
        try {
            launch();
        } catch (IOException e) {
            if (retry.equals(FIRST_RETRY)) {
                log.error("Embedded Redis would not start again ({}); trying every {} s at most, see {}", e.getMessage(),
                        LAST_RETRY.toSeconds(), dataDir.resolve(LOG_FILE).toAbsolutePath());
            } else {
                log.debug("Embedded Redis would not start again: {}", e.getMessage());
            }
            supervisor.schedule(this::restart, retry.toMillis(), TimeUnit.MILLISECONDS);
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
            return;
        }
        if (closing) {
            stopProcess();
            return;
        }
        retry = FIRST_RETRY;
        restarted.run();
        restarting = false;
        log.info("Embedded Redis back on 127.0.0.1:{} (pid {}) after {} ms down; held writes go to it now", port,
                process.pid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downSinceNanos));
    }

    /** Ends the server as the library did on shutdown: at once, since every acknowledged write is on disk. */
    private void stopProcess() {
        closing = true;
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
            try {
                current.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        supervisor.shutdownNow();
        Files.deleteIfExists(portFile);
        stopProcess();
    }
}
