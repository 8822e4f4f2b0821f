package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On MariaDB, whose default is REPEATABLE READ, every unit of work runs at READ COMMITTED
 * (it sees a row another transaction committed after its first read), while the session
 * keeps the level the host's pool gave it, also when the host changes that level behind the
 * pool's back between two calls on the same connection.
 */
class MariaDbIsolationTest {

    private static final Actor STAFF = Actor.service("isolation-staff-" + UUID.randomUUID(),
            ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER);

    @ParameterizedTest
    @CsvSource({
        "TRANSACTION_REPEATABLE_READ, REPEATABLE-READ, SERIALIZABLE",
        "TRANSACTION_SERIALIZABLE, SERIALIZABLE, REPEATABLE READ",
        "TRANSACTION_READ_COMMITTED, READ-COMMITTED, REPEATABLE READ"
    })
    void everyUnitOfWorkReadsCommittedAndTheSessionKeepsTheHostsLevel(String poolLevel, String serverName,
                                                                     String hostLevel)
            throws Exception {
        TestDatabases.requireAvailable(Dialect.MARIADB);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.url(Dialect.MARIADB));
        config.setMaximumPoolSize(1); // one physical connection: every call and every check below share it
        config.setTransactionIsolation(poolLevel);
        try (HikariDataSource pool = new HikariDataSource(config);
             Connection other = DriverManager.getConnection(TestDatabases.url(Dialect.MARIADB));
             ChatService chat = ChatService.builder()
                     .store(JdbiChatStore.create(pool).withTablePrefix(TestDatabases.PREFIX)).build()) {
            try (Statement s = other.createStatement()) {
                s.execute("SET SESSION innodb_lock_wait_timeout = 5"); // a unit of work holding locks fails fast
            }
            JdbiChatStore store = JdbiChatStore.create(pool).withTablePrefix(TestDatabases.PREFIX);
            ConversationId id = chat.startConversation(STAFF, new StartConversation(
                    ParticipantRef.businessUser("u-" + UUID.randomUUID(), "org-" + UUID.randomUUID()), "first", null))
                    .id();

            assertThat(subjectsReadAcrossACommit(store, other, id, "second")).containsExactly("first", "second");
            assertThat(sessionLevel(pool)).isEqualTo(serverName);

            // the host sets another level on the connection, unknown to the pool: the next call still reads
            // committed, and leaves the host's level in place
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL " + hostLevel);
            }
            assertThat(subjectsReadAcrossACommit(store, other, id, "third")).containsExactly("second", "third");
            assertThat(sessionLevel(pool)).isEqualTo(hostLevel.replace(' ', '-'));
        }
    }

    @org.junit.jupiter.api.Test
    void readCommittedCostsAPostOneStatementOnARepeatableReadPoolAndNoneOnAReadCommittedOne() throws Exception {
        TestDatabases.requireAvailable(Dialect.MARIADB);
        double repeatableRead = statementsPerPost("TRANSACTION_REPEATABLE_READ");
        double readCommitted = statementsPerPost("TRANSACTION_READ_COMMITTED");
        // before: SET SESSION ... READ COMMITTED and back, two more than on a READ COMMITTED pool
        assertThat(repeatableRead - readCommitted).as("%s vs %s statements per post", repeatableRead, readCommitted)
                .isEqualTo(1.0);
    }

    /**
     * Statements the server executed per {@code postMessage} on a one-connection pool at
     * {@code poolLevel} (its session counter {@code Questions}, which counts every statement
     * the client sent: {@code set autocommit}, {@code COMMIT} and {@code SET TRANSACTION} too).
     */
    private static double statementsPerPost(String poolLevel) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.url(Dialect.MARIADB));
        config.setMaximumPoolSize(1);
        config.setTransactionIsolation(poolLevel);
        try (HikariDataSource pool = new HikariDataSource(config);
             ChatService chat = ChatService.builder()
                     .store(JdbiChatStore.create(pool).withTablePrefix(TestDatabases.PREFIX)).build()) {
            Actor staff = Actor.service("isolation-poster-" + UUID.randomUUID(),
                    ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
                    ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
            ConversationId id = chat.startConversation(staff, new StartConversation(
                    ParticipantRef.businessUser("u-" + UUID.randomUUID(), "org-" + UUID.randomUUID()), null, null)).id();
            for (int i = 0; i < 3; i++) {
                chat.postMessage(staff, id, dev.txchat.core.NewMessage.of("warm-up " + i));
            }
            int posts = 10;
            long before = questions(pool);
            for (int i = 0; i < posts; i++) {
                chat.postMessage(staff, id, dev.txchat.core.NewMessage.of("counted " + i));
            }
            long after = questions(pool);
            return (after - before - 1) / (double) posts; // the second SHOW counts itself
        }
    }

    private static long questions(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Questions'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /**
     * Within one unit of work: reads the subject, lets {@code other} commit a new one, reads
     * it again. READ COMMITTED sees the new subject; REPEATABLE READ would see the old twice.
     */
    private static List<String> subjectsReadAcrossACommit(JdbiChatStore store, Connection other, ConversationId id,
                                                          String next) {
        return store.inTransaction(tx -> {
            List<String> seen = new ArrayList<>();
            seen.add(tx.findConversation(id).orElseThrow().conversation().subject());
            try (PreparedStatement update = other.prepareStatement(
                    "UPDATE " + TestDatabases.PREFIX + "conversations SET subject = ? WHERE id = ?")) {
                update.setString(1, next);
                update.setString(2, id.value().toString());
                assertThat(update.executeUpdate()).isEqualTo(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            seen.add(tx.findConversation(id).orElseThrow().conversation().subject());
            return seen;
        });
    }

    /** The session's level as the server has it, and as the driver reports it. */
    private static String sessionLevel(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@session.tx_isolation")) {
            rs.next();
            String server = rs.getString(1);
            int driver = c.getTransactionIsolation();
            assertThat(driver).as("the driver's idea of the level").isEqualTo(switch (server) {
                case "READ-COMMITTED" -> Connection.TRANSACTION_READ_COMMITTED;
                case "REPEATABLE-READ" -> Connection.TRANSACTION_REPEATABLE_READ;
                case "SERIALIZABLE" -> Connection.TRANSACTION_SERIALIZABLE;
                default -> Connection.TRANSACTION_READ_UNCOMMITTED;
            });
            return server;
        }
    }
}
