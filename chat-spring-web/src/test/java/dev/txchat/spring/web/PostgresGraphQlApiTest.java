package dev.txchat.spring.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link GraphQlApiTest} on PostgreSQL: every test of it, with the same exact JSON, against tables under
 * a fresh random prefix; skipped (failed when {@code CI=true}) when PostgreSQL is unreachable,
 * see {@link PostgresTestSupport}.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(PostgresTestSupport.Require.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PostgresGraphQlApiTest extends GraphQlApiTest {

    static final String PREFIX = PostgresTestSupport.freshPrefix();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresTestSupport.register(registry, PREFIX);
    }

    @AfterAll
    static void dropTables() {
        PostgresTestSupport.dropTables(PREFIX);
    }
}
