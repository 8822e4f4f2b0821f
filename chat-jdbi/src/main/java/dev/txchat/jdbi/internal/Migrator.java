package dev.txchat.jdbi.internal;

import dev.txchat.jdbi.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the migrations shipped in the jar, in version order, recording each in
 * {@code <prefix>schema_version}. Several processes may call it at once: a database-level
 * lock (PostgreSQL advisory lock, MariaDB {@code GET_LOCK}, on H2 a row lock in
 * {@code <prefix>schema_lock}) lets one apply the missing versions while the others wait,
 * then find nothing left to do.
 *
 * <p>Before applying anything it checks that the schema is its own to manage: txchat tables
 * without {@code <prefix>schema_version} (created by Flyway or by hand) and applied
 * migrations whose checksum differs from the shipped script both fail with an
 * {@link IllegalStateException} saying what was found and what to do, before any statement
 * runs. Each applied migration is logged at INFO ({@code txchat: applied V003 change feed to
 * prefix chat_ in 42 ms}); a run with nothing to do at DEBUG.
 *
 * <p>Instances are cheap and not meant to be shared; concurrent {@link #migrate()} calls on
 * separate instances (or separate processes) are safe, serialized by the database lock.
 */
public final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    /**
     * Every migration script, in order. Each dialect folder holds exactly these files (a test
     * checks it); add new ones as {@code V002__what.sql} in every folder and here. Versions may
     * have gaps (V006 is reserved): each missing version is applied in order, whatever its number,
     * so a V006 shipped later is applied after a V007 already was.
     */
    public static final List<String> SCRIPTS = List.of("V001__create_chat_tables.sql",
            "V002__organization_in_chat_key_and_secrets.sql", "V003__change_feed.sql",
            "V004__conversation_counts.sql", "V005__write_path_without_history.sql",
            "V007__regulated_mode.sql");

    private static final Pattern SCRIPT_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    static final Duration LOCK_WAIT = Duration.ofSeconds(120);

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
            list.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), script,
                    raw.replace("${prefix}", prefix), checksum(raw)));
        }
        return list;
    }

    /**
     * CRC32 of a script's UTF-8 bytes as shipped (before the prefix is replaced), with CRLF
     * line ends counted as LF, so that a jar built from a checkout with Windows line ends
     * gives the same checksums as one built on Linux.
     */
    static long checksum(String raw) {
        CRC32 crc = new CRC32();
        crc.update(raw.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
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
        JdbcCustomization.of(sql.dialect()).underMigrationLock(jdbi, sql.prefix(), this::apply);
    }

    private void apply(Handle h) {
        String history = sql.schemaVersionTable();
        if (!tableExists(h, history)) {
            List<String> existing = new ArrayList<>();
            for (String table : V001_TABLES) {
                if (tableExists(h, sql.prefix() + table)) {
                    existing.add(sql.prefix() + table);
                }
            }
            if (!existing.isEmpty()) {
                throw new IllegalStateException(notOursMessage(h, existing));
            }
        }
        Handles.update(h, "CREATE TABLE IF NOT EXISTS " + history + " ("
                + "version INTEGER NOT NULL, description VARCHAR(200) NOT NULL, script VARCHAR(200) NOT NULL,"
                + " checksum BIGINT NOT NULL, installed_at BIGINT NOT NULL,"
                + " CONSTRAINT " + history + "_pk PRIMARY KEY (version))"
                + JdbcCustomization.of(sql.dialect()).createTableOptions()).execute();
        TreeMap<Integer, Long> applied = new TreeMap<>();
        Handles.query(h, "SELECT version, checksum FROM " + history)
                .map((rs, ctx) -> Map.entry(rs.getInt("version"), rs.getLong("checksum")))
                .forEach(e -> applied.put(e.getKey(), e.getValue()));
        List<Migration> shipped = migrations(sql.dialect(), sql.prefix());
        verifyChecksums(applied, shipped, history);
        int count = 0;
        for (Migration m : shipped) {
            if (applied.containsKey(m.version()) || m.version() > target) {
                continue;
            }
            long started = System.nanoTime();
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
            count++;
            LOG.info("txchat: applied {} {} to prefix {} in {} ms", versionLabel(m.version()), m.description(),
                    sql.prefix(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        if (count == 0 && LOG.isDebugEnabled()) {
            int current = applied.isEmpty() ? 0 : applied.lastKey();
            LOG.debug("txchat: tables with prefix {} are up to date at {}; no migration to apply", sql.prefix(),
                    versionLabel(current));
        }
    }

    /** The tables V001 creates (without prefix); any of them without a history means "not ours". */
    private static final List<String> V001_TABLES = List.of("tickets", "conversations", "participants", "messages");

    private static String versionLabel(int version) {
        return String.format(Locale.ROOT, "V%03d", version);
    }

    /**
     * Fails before any statement runs when a migration recorded as applied differs from the
     * script this jar ships: the database was built by other SQL than the store expects.
     */
    private void verifyChecksums(Map<Integer, Long> applied, List<Migration> shipped, String history) {
        List<String> mismatches = new ArrayList<>();
        Set<Integer> known = new LinkedHashSet<>();
        for (Migration m : shipped) {
            known.add(m.version());
            Long stored = applied.get(m.version());
            if (stored != null && stored != m.checksum()) {
                mismatches.add(versionLabel(m.version()) + " (" + m.script() + "): recorded checksum " + stored
                        + ", shipped script " + m.checksum());
            }
        }
        if (!mismatches.isEmpty()) {
            throw new IllegalStateException("txchat: the migrations applied to the tables with prefix " + sql.prefix()
                    + " do not match the scripts in this txchat jar (" + sql.dialect().migrationsLocation() + "): "
                    + String.join("; ", mismatches) + ". A migration was edited after it was applied, or the"
                    + " tables were migrated by a different build of txchat. No migration was applied. Compare the"
                    + " schema with the shipped script; once it is known to match, set the checksum in " + history
                    + " to the shipped value (UPDATE " + history + " SET checksum = <shipped> WHERE version = <n>).");
        }
        for (int version : applied.keySet()) {
            if (!known.contains(version)) {
                LOG.warn("txchat: tables with prefix {} have migration {} applied, which this txchat jar does not"
                        + " ship (a newer txchat migrated them); running an older version against them is"
                        + " untested", sql.prefix(), versionLabel(version));
            }
        }
    }

    /** Explains txchat tables found without txchat's history, naming any Flyway history table beside them. */
    private String notOursMessage(Handle h, List<String> existing) {
        List<String> flyway = flywayHistoryTables(h);
        String prefix = sql.prefix();
        String found = flyway.isEmpty()
                ? "no txchat history (" + sql.schemaVersionTable() + " is missing) and no Flyway history table"
                + " found: created by hand or by another tool"
                : "tables managed by Flyway (history table " + String.join(", ", flyway) + " found, no txchat"
                + " history " + sql.schemaVersionTable() + ")";
        return "txchat: cannot migrate the tables with prefix " + prefix + ": " + String.join(", ", existing)
                + (existing.size() == 1 ? " already exists" : " already exist") + ", but " + found
                + ". Do not call migrate() (Spring Boot: txchat.migrate=false) and keep applying txchat's"
                + " migrations with the tool that created them (Flyway: locations classpath:"
                + sql.dialect().migrationsLocation() + ", placeholder prefix=" + prefix + "), or use"
                + " another table prefix (JdbiChatStore.withTablePrefix, txchat.table-prefix) for tables that"
                + " migrate() manages. No migration was applied.";
    }

    /** Whether {@code table} exists in the connection's current schema (catalog on MariaDB). */
    private static boolean tableExists(Handle h, String table) {
        try {
            Connection c = h.getConnection();
            DatabaseMetaData md = c.getMetaData();
            for (String name : new LinkedHashSet<>(List.of(table, table.toUpperCase(Locale.ROOT)))) {
                try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), literal(md, name), null)) {
                    while (rs.next()) {
                        if (rs.getString("TABLE_NAME").equalsIgnoreCase(table)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            // a JdbiException, so that JdbiChatStore.migrate() reports it as a ChatStoreException with its SQLState
            throw new ConnectionException(e);
        }
    }

    /** {@code name} as a metadata search pattern matching only itself ({@code _} and {@code %} escaped). */
    private static String literal(DatabaseMetaData md, String name) throws SQLException {
        String escape = md.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /**
     * Tables in the current schema shaped like a Flyway schema history (columns
     * {@code installed_rank}, {@code version}, {@code script}, {@code checksum}, {@code success}).
     */
    private static List<String> flywayHistoryTables(Handle h) {
        List<String> tables = new ArrayList<>();
        try {
            Connection c = h.getConnection();
            DatabaseMetaData md = c.getMetaData();
            Map<String, Set<String>> columns = new TreeMap<>();
            for (String column : List.of("installed_rank", "INSTALLED_RANK")) {
                try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), null, column)) {
                    while (rs.next()) {
                        columns.computeIfAbsent(rs.getString("TABLE_NAME"), t -> new LinkedHashSet<>());
                    }
                }
            }
            for (String table : columns.keySet()) {
                Set<String> names = new LinkedHashSet<>();
                try (ResultSet rs = md.getColumns(c.getCatalog(), c.getSchema(), literal(md, table), null)) {
                    while (rs.next()) {
                        names.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
                if (names.containsAll(List.of("installed_rank", "version", "script", "checksum", "success"))) {
                    tables.add(table);
                }
            }
        } catch (SQLException e) {
            // only used to word an error message; the error stands without it
            LOG.debug("txchat: could not look for Flyway history tables", e);
        }
        return tables;
    }
}
