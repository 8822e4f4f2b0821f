package dev.txchat.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Counts the SQL statements and commits that pass through a {@link DataSource}, by wrapping
 * its connections and statements in {@link Proxy dynamic proxies}. Each statement executed
 * counts once, each row of a JDBC batch counts once; {@code commit()} and {@code rollback()}
 * are counted apart. Used by the runner's counting pass, never inside a JMH measurement (the
 * proxies cost time). Not thread-safe: count one thread at a time.
 */
public final class StatementCounter {
    private long statements;
    private long commits;
    private long rollbacks;
    private List<String> log;

    /** Starts a fresh count; with {@code logSql}, also remembers each statement's SQL. */
    public void reset(boolean logSql) {
        statements = 0;
        commits = 0;
        rollbacks = 0;
        log = logSql ? new ArrayList<>() : null;
    }

    public long statements() {
        return statements;
    }

    public long commits() {
        return commits;
    }

    public long rollbacks() {
        return rollbacks;
    }

    /** The SQL of each statement since {@link #reset(boolean) reset(true)}, in order. */
    public List<String> log() {
        return log == null ? List.of() : List.copyOf(log);
    }

    /** {@code dataSource}, counting. */
    public DataSource wrap(DataSource dataSource) {
        return proxy(DataSource.class, dataSource, (target, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection c ? proxy(Connection.class, c, this::onConnection) : result;
        });
    }

    private Object onConnection(Object target, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "commit" -> commits++;
            case "rollback" -> rollbacks++;
            default -> {
            }
        }
        Object result = invoke(target, method, args);
        String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
        if (result instanceof CallableStatement s) {
            return proxy(CallableStatement.class, s, new StatementHandler(sql));
        }
        if (result instanceof PreparedStatement s) {
            return proxy(PreparedStatement.class, s, new StatementHandler(sql));
        }
        if (result instanceof Statement s) {
            return proxy(Statement.class, s, new StatementHandler(null));
        }
        return result;
    }

    private final class StatementHandler implements Handler {
        private final String preparedSql;
        private final List<String> batch = new ArrayList<>();

        StatementHandler(String preparedSql) {
            this.preparedSql = preparedSql;
        }

        @Override
        public Object handle(Object target, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql;
            switch (name) {
                case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate" -> record(sql);
                case "addBatch" -> batch.add(sql);
                case "clearBatch" -> batch.clear();
                case "executeBatch", "executeLargeBatch" -> {
                    batch.forEach(StatementCounter.this::record);
                    batch.clear();
                }
                default -> {
                }
            }
            return invoke(target, method, args);
        }
    }

    private void record(String sql) {
        if (sql != null && sql.contains("pg_notify(")) {
            // the feed's wake-up: sent after the commit on another connection by a background
            // sender that coalesces the commits of every thread (PostgresFeedNotifier), not a
            // statement of the call; counting it would also depend on how fast it ran
            return;
        }
        statements++;
        if (log != null) {
            log.add(sql == null ? "?" : sql);
        }
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Object target, Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, Object target, Handler handler) {
        InvocationHandler h = (p, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> p == args[0];
                    case "hashCode" -> System.identityHashCode(p);
                    default -> "Counting(" + target + ")";
                };
            }
            return handler.handle(target, method, args);
        };
        return type.cast(Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
