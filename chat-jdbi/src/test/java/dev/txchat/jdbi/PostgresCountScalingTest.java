package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.internal.BoundSql;
import dev.txchat.jdbi.internal.CountScopes;
import dev.txchat.jdbi.internal.CountSql;
import dev.txchat.jdbi.internal.Migrator;
import dev.txchat.jdbi.internal.Sql;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code totalCount} no longer grows with the table. Two PostgreSQL databases written by
 * version 3 (1,000 and 100,000 conversations: a third TRANSACTION, the rest DIRECT, every
 * twentieth deleted, a business participant {@code bu-i mod 10} of {@code org-i mod 10} and
 * a staff participant in each, every seventh also with its organization's account) are
 * upgraded, so V004 counts them. For the first page of a
 * staff inbox (unfiltered, by kind, by organization, by organization and side) and of a
 * business user's inbox:
 * <ul>
 *   <li>the count statement is planned and run as a primary-key range on the counts table,
 *       at most 16 rows per scope, touching neither conversations nor participants
 *       (EXPLAIN ANALYZE, printed with {@code -Dtxchat.printPlans=true});</li>
 *   <li>with {@code -Dtxchat.measureScaling=true}: the whole {@code listConversations}
 *       call at 100,000 against the same call at 1,000 (medians of interleaved rounds,
 *       printed as {@code scaling:} lines; {@code -Dtxchat.assertScaling=true} fails above
 *       1.3). The count no longer grows; the page query of the participant-filtered lists
 *       (organization, business user) still reads every matching conversation before its
 *       LIMIT, so those lists still grow with the number of matches.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresCountScalingTest {
    private static final String SMALL = "scale1k_";
    private static final String LARGE = "scale100k_";
    private static final long T0 = 1_700_000_000_000_000L;
    private static final Actor STAFF = Actor.service("scale-staff", ChatPermissions.CONVERSATION_VIEWER);
    private static final Actor BUSINESS = Actor.business("bu-1", "org-1");

    private Jdbi jdbi;
    private final Map<String, ChatService> services = new LinkedHashMap<>();
    private final Map<String, FakeTransactionDirectory> directories = new LinkedHashMap<>();

    /** The lists measured: name, actor, filter. */
    private static final List<Object[]> LISTS = List.of(
            new Object[] {"staff, all", STAFF, ConversationFilter.all()},
            new Object[] {"staff, kind", STAFF, ConversationFilter.all().withKind(ConversationKind.TRANSACTION)},
            new Object[] {"staff, organization", STAFF, ConversationFilter.all().withParticipantId("org-2")},
            new Object[] {"staff, organization + BUSINESS", STAFF, ConversationFilter.all().withParticipantId("org-2")
                    .withParticipantType(ParticipantType.BUSINESS)},
            new Object[] {"business user", BUSINESS, ConversationFilter.all()},
            new Object[] {"business user, kind", BUSINESS,
                    ConversationFilter.all().withKind(ConversationKind.DIRECT)});

    @BeforeAll
    void loadVersionThreeDatabasesAndUpgrade() {
        jdbi = TestDatabases.store(Dialect.POSTGRESQL).jdbi();
        load(SMALL, 1_000);
        load(LARGE, 100_000);
        spreadOverTheSlots(services.get(LARGE));
    }

    /**
     * Conversations created through the store after the upgrade, in every list measured:
     * the backfill put each count in slot 0, these land in the slots of their ids.
     */
    private void spreadOverTheSlots(ChatService chat) {
        Actor creator = Actor.service("scale-creator", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR);
        for (int i = 0; i < 48; i++) {
            chat.startConversation(creator, StartConversation.with(i % 3 == 0
                    ? ParticipantRef.businessUser("bu-2", "org-2") : ParticipantRef.businessUser("bu-1", "org-1")));
            String tx = "scale-tx-" + i;
            directories.get(LARGE).register(tx, new WalletOwner("bu-1", "org-1"));
            chat.openTransactionChat(creator, new OpenTransactionChat(tx, ParticipantRef.businessUser("bu-1", "org-1"),
                    NewMessage.of("after the upgrade")));
        }
    }

    private void load(String prefix, int conversations) {
        TestDatabases.dropTables(jdbi, prefix);
        new Migrator(jdbi, new Sql(Dialect.POSTGRESQL, prefix)).migrateTo(3);
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO " + prefix + "conversations (id, kind, transaction_id, organization_id, status,"
                    + " live_key, created_at, last_activity_at, message_count, unread_from_service,"
                    + " unread_from_business)"
                    + " SELECT md5('c' || i)::uuid::text, CASE WHEN i % 3 = 0 THEN 'TRANSACTION' ELSE 'DIRECT' END,"
                    + " CASE WHEN i % 3 = 0 THEN 'tx-' || i END, 'org-' || (i % 10),"
                    + " CASE WHEN i % 20 = 0 THEN 'DELETED' ELSE 'OPEN' END, NULL, " + T0 + " + i * 1000,"
                    + " " + T0 + " + i * 1000 + 1, 1, 0, 1 FROM generate_series(1::bigint, " + conversations + ") i");
            h.execute("INSERT INTO " + prefix + "participants (id, conversation_id, join_order, participant_type,"
                    + " user_id, organization_id, joined_at)"
                    + " SELECT md5('p' || i || '-' || j)::uuid::text, md5('c' || i)::uuid::text, j,"
                    + " CASE WHEN j = 1 THEN 'BUSINESS' ELSE 'SERVICE' END,"
                    + " CASE WHEN j = 1 THEN 'bu-' || (i % 10) ELSE 'agent-' || (i % 50) END,"
                    + " CASE WHEN j = 1 THEN 'org-' || (i % 10) END, " + T0
                    + " FROM generate_series(1::bigint, " + conversations + ") i, generate_series(1, 2) j");
            h.execute("INSERT INTO " + prefix + "participants (id, conversation_id, join_order, participant_type,"
                    + " user_id, organization_id, joined_at)"
                    + " SELECT md5('p' || i || '-3')::uuid::text, md5('c' || i)::uuid::text, 3, 'BUSINESS', NULL,"
                    + " 'org-' || (i % 10), " + T0 + " FROM generate_series(7::bigint, " + conversations + ", 7) i");
            h.execute("INSERT INTO " + prefix + "messages (id, conversation_id, seq, sender_id, sent_by_type,"
                    + " author_user_id, body, created_at)"
                    + " SELECT md5('m' || i)::uuid::text, md5('c' || i)::uuid::text, 1, md5('p' || i || '-1')::uuid::text,"
                    + " 'BUSINESS', 'bu-' || (i % 10), 'a question about order ' || i, " + T0 + " + i * 1000 + 1"
                    + " FROM generate_series(1::bigint, " + conversations + ") i");
        });
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        // the upgrade: V004 counts what version 3 wrote
        store.migrate();
        jdbi.useHandle(h -> {
            for (String table : List.of("conversations", "participants", "messages", "conversation_counts")) {
                h.execute("ANALYZE " + prefix + table);
            }
        });
        directories.put(prefix, new FakeTransactionDirectory());
        services.put(prefix, ChatService.builder().store(store).transactionDirectory(directories.get(prefix)).build());
    }

    @AfterAll
    void dropTheTables() {
        services.values().forEach(ChatService::close);
        if (jdbi != null) {
            TestDatabases.dropTables(jdbi, SMALL);
            TestDatabases.dropTables(jdbi, LARGE);
        }
    }

    @Test
    void theTotalsAreExactAtBothSizes() {
        for (String prefix : List.of(SMALL, LARGE)) {
            Sql sql = new Sql(Dialect.POSTGRESQL, prefix);
            for (Object[] list : LISTS) {
                Actor actor = (Actor) list[1];
                ConversationFilter filter = (ConversationFilter) list[2];
                BoundSql count = sql.conversationCount(query(actor, filter));
                long rows = jdbi.withHandle(h -> h.createQuery(count.sql()).bindMap(count.params()).mapTo(Long.class)
                        .one());
                assertThat(services.get(prefix).listConversations(actor, filter, PageRequest.first(50)).totalCount())
                        .as("%s in %s", list[0], prefix).isEqualTo(rows).isPositive();
            }
        }
    }

    @Test
    void eachCountReadsAtMostSixteenCounterRowsPerScopeByPrimaryKey() {
        CountSql counts = new CountSql(Dialect.POSTGRESQL, LARGE);
        for (Object[] list : LISTS) {
            ConversationQuery query = query((Actor) list[1], (ConversationFilter) list[2]);
            List<CountScopes.Key> keys = CountScopes.lookup(query).orElseThrow();
            BoundSql count = counts.count(keys);
            String plan = jdbi.withHandle(h -> String.join("\n", h.createQuery("EXPLAIN (ANALYZE, BUFFERS) "
                    + count.sql()).bindMap(count.params()).mapTo(String.class).list()));
            if (Boolean.getBoolean("txchat.printPlans")) {
                System.out.println("-- " + list[0] + ": " + keys + "\n" + count.sql() + "\n" + plan + "\n");
            }
            // an index scan, or a bitmap scan of the same index, as the planner sees fit
            assertThat(plan).as("%s", list[0]).containsPattern("Index Scan (using|on) " + LARGE
                            + "conversation_counts_pk")
                    .doesNotContain("Seq Scan").doesNotContain(LARGE + "conversations ")
                    .doesNotContain(LARGE + "participants");
            for (String line : plan.split("\n")) {
                // a bitmap index scan counts index entries, dead row versions of updated counters
                // included (until pruning or VACUUM removes them); the rows read are its heap scan's
                if (line.contains("Scan") && !line.contains("Bitmap Index Scan") && line.contains("actual time=")) {
                    long actualRows = Long.parseLong(line.replaceAll(".*actual time=\\S+ rows=(\\d+).*", "$1"));
                    assertThat(actualRows).as("%s: %s", list[0], line).isLessThanOrEqualTo(CountSql.SLOTS);
                }
            }
        }
    }

    @Test
    void aFirstPageAtAHundredThousandAgainstTheSameAtAThousand() {
        Assumptions.assumeTrue(Boolean.getBoolean("txchat.measureScaling"), "set -Dtxchat.measureScaling=true");
        int rounds = 9;
        int calls = 10;
        Map<String, List<Double>> perCall = new LinkedHashMap<>();
        for (int round = -3; round < rounds; round++) {
            for (Object[] list : LISTS) {
                for (String prefix : List.of(SMALL, LARGE)) {
                    ChatService chat = services.get(prefix);
                    long start = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        chat.listConversations((Actor) list[1], (ConversationFilter) list[2], PageRequest.first(50));
                    }
                    double micros = (System.nanoTime() - start) / 1_000.0 / calls;
                    if (round >= 0) {
                        perCall.computeIfAbsent(list[0] + "@" + prefix, k -> new ArrayList<>()).add(micros);
                    }
                }
            }
        }
        List<String> over = new ArrayList<>();
        for (Object[] list : LISTS) {
            double small = median(perCall.get(list[0] + "@" + SMALL));
            double large = median(perCall.get(list[0] + "@" + LARGE));
            System.out.printf("scaling: %-32s 1,000: %7.0f us  100,000: %7.0f us  ratio %.2f%n", list[0], small, large,
                    large / small);
            if (large > 1.3 * small) {
                over.add(list[0] + String.format(" %.2f", large / small));
            }
        }
        if (Boolean.getBoolean("txchat.assertScaling")) {
            assertThat(over).as("lists costing more than 1.3 x at 100,000").isEmpty();
        }
    }

    private static ConversationQuery query(Actor actor, ConversationFilter filter) {
        return new ConversationQuery(filter, actor.isService() ? null
                : new MemberScope(actor.userId(), actor.organizationId()));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
