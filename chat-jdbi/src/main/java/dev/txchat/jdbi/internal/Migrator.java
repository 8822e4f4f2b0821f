package dev.txchat.jdbi.internal;

import dev.txchat.jdbi.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Applies the migrations shipped in the jar, in version order, recording each in
 * {@code <prefix>schema_version}. Several processes may call it at once: a database-level
 * lock (PostgreSQL advisory lock, MariaDB {@code GET_LOCK}, on H2 a row lock in
 * {@code <prefix>schema_lock}) lets one apply the missing versions while the others wait,
 * then find nothing left to do.
 */
public final class Migrator {
    /**
     * Every migration script, in order. Each dialect folder holds exactly these files (a test
     * checks it); add new ones as {@code V002__what.sql} in every folder and here.
     */
    public static final List<String> SCRIPTS = List.of("V001__create_chat_tables.sql",
            "V002__organization_in_chat_key_and_secrets.sql", "V003__change_feed.sql");

    private static final Pattern SCRIPT_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    /** Namespace of txchat's PostgreSQL advisory locks ("txch"). */
    private static final int ADVISORY_LOCK_CLASS = 0x74786368;
    private static final Duration LOCK_WAIT = Duration.ofSeconds(120);

    private final Jdbi jdbi;
    private final Sql sql;
    private int target = Integer.MAX_VALUE;

    public Migrator(Jdbi jdbi, Sql sql) {
        this.jdbi = jdbi;
        this.sql = sql;
    }

    /** One script: its version, description, and text with the prefix placeholder replaced. */
    public record Migration(int version, String description, String script, String text, long checksum) {
    }

    /** The migrations of a dialect, read from the classpath, with {@code ${prefix}} replaced. */
    public static List<Migration> migrations(Dialect dialect, String prefix) {
        Sql.checkPrefix(prefix);
        List<Migration> list = new ArrayList<>();
        for (String script : SCRIPTS) {
            Matcher m = SCRIPT_NAME.matcher(script);
            if (!m.matches()) {
                throw new IllegalStateException("bad migration name " + script);
            }
            String raw = read(dialect.migrationsLocation() + "/" + script);
            CRC32 crc = new CRC32();
            crc.update(raw.getBytes(StandardCharsets.UTF_8));
            list.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), script,
                    raw.replace("${prefix}", prefix), crc.getValue()));
        }
        return list;
    }

    private static String read(String resource) {
        try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statements of a script: comment lines dropped, split at semicolons ending a line. */
    public static List<String> statements(String text) {
        StringBuilder code = new StringBuilder();
        for (String line : text.split("\r?\n")) {
            if (!line.strip().startsWith("--")) {
                code.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String part : code.toString().split(";\\s*(\n|$)")) {
            if (!part.isBlank()) {
                statements.add(part.strip());
            }
        }
        return statements;
    }

    public void migrate() {
        migrateTo(Integer.MAX_VALUE);
    }

    /** Applies the missing migrations up to and including {@code version}; tests use it to build old schemas. */
    public void migrateTo(int version) {
        this.target = version;
        switch (sql.dialect()) {
            case POSTGRESQL -> jdbi.useHandle(h -> {
                int key = sql.prefix().hashCode();
                Handles.query(h, "SELECT pg_advisory_lock(:lockClass, :lockKey)")
                        .bind("lockClass", ADVISORY_LOCK_CLASS).bind("lockKey", key).mapToMap().one();
                try {
                    apply(h);
                } finally {
                    Handles.query(h, "SELECT pg_advisory_unlock(:lockClass, :lockKey)")
                            .bind("lockClass", ADVISORY_LOCK_CLASS).bind("lockKey", key).mapToMap().one();
                }
            });
            case MARIADB -> jdbi.useHandle(h -> {
                String name = "txchat_migrate_" + sql.prefix();
                Integer got = Handles.query(h, "SELECT GET_LOCK(:name, :seconds)")
                        .bind("name", name).bind("seconds", (int) LOCK_WAIT.toSeconds())
                        .mapTo(Integer.class).one();
                if (got == null || got != 1) {
                    throw new IllegalStateException("could not get the migration lock " + name + " within " + LOCK_WAIT);
                }
                try {
                    apply(h);
                } finally {
                    Handles.query(h, "SELECT RELEASE_LOCK(:name)").bind("name", name).mapToMap().one();
                }
            });
            case H2 -> migrateH2();
        }
    }

    /**
     * H2 commits DDL implicitly, which would release any lock held by the same connection,
     * so one connection holds a row lock while a second one runs the scripts.
     */
    private void migrateH2() {
        String lockTable = sql.prefix() + "schema_lock";
        // open(), not useHandle(): JDBI would hand nested useHandle calls the same handle
        try (Handle lock = jdbi.open()) {
            ignoringDuplicates(lock, "CREATE TABLE IF NOT EXISTS " + lockTable
                    + " (id INTEGER NOT NULL, CONSTRAINT " + lockTable + "_pk PRIMARY KEY (id))");
            ignoringDuplicates(lock, "MERGE INTO " + lockTable + " (id) KEY (id) VALUES (1)");
            lock.begin();
            try {
                Instant deadline = Instant.now().plus(LOCK_WAIT);
                while (true) {
                    try {
                        Handles.query(lock, "SELECT id FROM " + lockTable + " WHERE id = 1 FOR UPDATE")
                                .mapTo(Integer.class).one();
                        break;
                    } catch (RuntimeException e) {
                        if (!TransientErrors.isTransient(e) || Instant.now().isAfter(deadline)) {
                            throw e;
                        }
                    }
                }
                jdbi.useHandle(this::apply);
            } finally {
                lock.rollback();
            }
        }
    }

    private static void ignoringDuplicates(Handle h, String statement) {
        try {
            Handles.update(h, statement).execute();
        } catch (UnableToExecuteStatementException e) {
            // another node created it at the same moment
            String state = e.getCause() instanceof SQLException se ? se.getSQLState() : null;
            if (state == null || !state.startsWith("23") && !"42S01".equals(state)) {
                throw e;
            }
        }
    }

    private void apply(Handle h) {
        String history = sql.schemaVersionTable();
        Handles.update(h, "CREATE TABLE IF NOT EXISTS " + history + " ("
                + "version INTEGER NOT NULL, description VARCHAR(200) NOT NULL, script VARCHAR(200) NOT NULL,"
                + " checksum BIGINT NOT NULL, installed_at BIGINT NOT NULL,"
                + " CONSTRAINT " + history + "_pk PRIMARY KEY (version))"
                + (sql.dialect() == Dialect.MARIADB ? " ENGINE = InnoDB DEFAULT CHARSET = utf8mb4" : "")).execute();
        Set<Integer> applied = new HashSet<>(Handles.query(h, "SELECT version FROM " + history)
                .mapTo(Integer.class).list());
        for (Migration m : migrations(sql.dialect(), sql.prefix())) {
            if (applied.contains(m.version()) || m.version() > target) {
                continue;
            }
            // PostgreSQL runs DDL transactionally: a failed script leaves nothing behind
            h.useTransaction(tx -> {
                for (String statement : statements(m.text())) {
                    Handles.update(tx, statement).execute();
                }
                Handles.update(tx, "INSERT INTO " + history + " (version, description, script, checksum, installed_at)"
                                + " VALUES (:version, :description, :script, :checksum, :installedAt)")
                        .bind("version", m.version())
                        .bind("description", m.description())
                        .bind("script", m.script())
                        .bind("checksum", m.checksum())
                        .bind("installedAt", Times.toMicros(Instant.now()))
                        .execute();
            });
        }
    }
}
