package com.calmline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The embedded Redis of the zero-configuration start (a real redis-server), as another user of this machine
 * meets it: it answers nothing without its password, which is kept owner-only in DATA_DIR, where the
 * commands run beside the service ({@code user add}) find it with the port.
 */
class EmbeddedRedisIT {
    private static final String PREFIX = "embedded:";

    @Test
    void withoutItsPasswordTheEmbeddedRedisAnswersNothing() throws Exception {
        Path data = Files.createTempDirectory("calmline-embedded");
        try (Store service = Store.open(Optional.empty(), data, PREFIX, Duration.ofDays(1))) {
            int port = Integer.parseInt(Files.readString(data.resolve(EmbeddedRedis.PORT_FILE)).strip());
            try (RedisClient stranger = RedisClient.create("127.0.0.1", port)) {
                JedisException refused = assertThrows(JedisException.class, stranger::ping);
                assertTrue(refused.getMessage().contains("NOAUTH"), refused.getMessage());
            }

            Path file = data.resolve(EmbeddedRedis.PASSWORD_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String password = Files.readString(file).strip();
            assertTrue(password.matches("[0-9a-f]{48}"), "a random password");
            try (RedisClient owner = RedisClient.create("127.0.0.1", port, null, password)) {
                assertEquals("PONG", owner.ping());
                Matcher pid = Pattern.compile("process_id:(\\d+)").matcher(owner.info("server"));
                assertTrue(pid.find());
                String commandLine = Files.readString(Path.of("/proc", pid.group(1), "cmdline"));
                assertFalse(commandLine.contains(password), "every user can read a command line: " + commandLine);
            }

            try (Store command = Store.forCommand(Optional.empty(), data, PREFIX, Duration.ofDays(1))) {
                command.records().putRecord("user:zed", Map.of("role", "agent"), Optional.empty());
            }
            assertEquals(Map.of("role", "agent"), service.records().record("user:zed"),
                    "a command beside the service reached the same Redis, with the password from DATA_DIR");
        }
    }
}
