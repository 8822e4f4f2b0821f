package dev.txchat.spring;

import dev.txchat.jdbi.JdbiChatStore;
import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDependsOnDatabaseInitializationDetector;

/**
 * Makes every {@link JdbiChatStore} bean, the starter's or the host's, depend on the host's
 * database initialization (Flyway, Liquibase, {@code spring.sql.init} scripts): when the host
 * applies txchat's migrations with Flyway, they have run before the store (and the service
 * on it) is created. Registered in {@code META-INF/spring.factories}; Spring Boot loads it
 * only when {@code spring-boot-sql} is on the classpath. Stateless and thread-safe.
 */
class TxchatDependsOnDatabaseInitializationDetector extends AbstractBeansOfTypeDependsOnDatabaseInitializationDetector {

    @Override
    protected Set<Class<?>> getDependsOnDatabaseInitializationBeanTypes() {
        return Set.of(JdbiChatStore.class);
    }
}
