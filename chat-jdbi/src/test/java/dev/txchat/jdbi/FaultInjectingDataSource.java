package dev.txchat.jdbi;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that passes everything through to a real one, except that it can be
 * armed with one {@link Fault}: the Nth statement (or commit) whose SQL matches a pattern
 * then fails, before or after it ran, or a callback runs first (e.g. to kill the session
 * server-side). Built from {@link Proxy}s over {@code DataSource}, {@code Connection} and
 * statements, so the store under test runs its normal code. Thread-safe; a fault fires once.
 */
final class FaultInjectingDataSource {

    /** What commit() is matched as. */
    static final String COMMIT = "COMMIT";

    private static final Set<String> ALLOWED_WHEN_DEAD = Set.of("close", "isClosed", "unwrap", "isWrapperFor",
            "toString", "hashCode", "equals");

    /** When the fault acts relative to the real statement. */
    enum Timing {
        /** Fails instead of running the statement. */
        INSTEAD,
        /** Runs the statement (e.g. the commit really happens), then reports a failure: a lost acknowledgement. */
        AFTER,
        /** Runs the callback, then the real statement, which is expected to fail on its own. */
        CALLBACK_BEFORE
    }

    /** Something to do to the physical connection before the statement runs. */
    @FunctionalInterface
    interface ConnectionAction {
        void accept(Connection physical) throws SQLException;
    }

    /** One fault: the {@code nth} (1-based) statement matching {@code statement}. */
    record Fault(Pattern statement, int nth, Timing timing, String sqlState, ConnectionAction callback) {

        /** The nth matching statement fails with {@code sqlState} without running. */
        static Fault failing(String regex, int nth, String sqlState) {
            return new Fault(Pattern.compile(regex), nth, Timing.INSTEAD, sqlState, null);
        }

        /** The nth matching statement runs, then its caller sees a failure with {@code sqlState}. */
        static Fault failingAfterRunning(String regex, int nth, String sqlState) {
            return new Fault(Pattern.compile(regex), nth, Timing.AFTER, sqlState, null);
        }

        /** Before the nth matching statement runs, {@code callback} gets its physical connection. */
        static Fault before(String regex, int nth, ConnectionAction callback) {
            return new Fault(Pattern.compile(regex), nth, Timing.CALLBACK_BEFORE, null, callback);
        }

        /** Whether the injected failure stands for a dead connection, which then refuses everything. */
        boolean killsConnection() {
            return sqlState != null && sqlState.startsWith("08");
        }

        SQLException error() {
            String reason = "injected fault (SQLState " + sqlState + ") at " + statement.pattern();
            return killsConnection() ? new SQLNonTransientConnectionException(reason, sqlState)
                    : new SQLException(reason, sqlState);
        }
    }

    private final DataSource real;
    private final AtomicReference<Fault> armed = new AtomicReference<>();
    private final AtomicInteger matches = new AtomicInteger();
    private final AtomicInteger fired = new AtomicInteger();
    private final DataSource proxy;

    private FaultInjectingDataSource(DataSource real) {
        this.real = real;
        this.proxy = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (p, method, args) -> {
                    Object result = invoke(real, method, args);
                    return method.getName().equals("getConnection") ? connection((Connection) result) : result;
                });
    }

    static FaultInjectingDataSource wrapping(DataSource real) {
        return new FaultInjectingDataSource(real);
    }

    /** The faulty DataSource to give the store. */
    DataSource dataSource() {
        return proxy;
    }

    DataSource real() {
        return real;
    }

    /** Arms {@code fault}, replacing any fault that has not fired. */
    void arm(Fault fault) {
        matches.set(0);
        armed.set(fault);
    }

    void disarm() {
        armed.set(null);
    }

    /** How many faults fired since creation. */
    int fired() {
        return fired.get();
    }

    /** The armed fault if this statement is the one it targets; disarms it. */
    private Fault trigger(String sql) {
        Fault fault = armed.get();
        if (fault == null || sql == null || !fault.statement().matcher(sql).find()) {
            return null;
        }
        if (matches.incrementAndGet() != fault.nth() || !armed.compareAndSet(fault, null)) {
            return null;
        }
        fired.incrementAndGet();
        return fault;
    }

    private Connection connection(Connection physical) {
        boolean[] dead = {false};
        InvocationHandler handler = new InvocationHandler() {
            @Override
            public Object invoke(Object p, Method method, Object[] args) throws Throwable {
                String name = method.getName();
                if (dead[0] && !ALLOWED_WHEN_DEAD.contains(name)) {
                    if (name.equals("isValid")) {
                        return false;
                    }
                    throw new SQLNonTransientConnectionException("injected: the connection is dead", "08006");
                }
                if (name.equals("commit")) {
                    return run(COMMIT, physical, dead, () -> FaultInjectingDataSource.invoke(physical, method, args));
                }
                Object result = FaultInjectingDataSource.invoke(physical, method, args);
                if (result instanceof PreparedStatement statement && args != null && args[0] instanceof String sql) {
                    return statement(PreparedStatement.class, statement, sql, physical, dead);
                }
                if (result instanceof Statement statement && name.equals("createStatement")) {
                    return statement(Statement.class, statement, null, physical, dead);
                }
                return result;
            }
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private <S extends Statement> S statement(Class<S> type, S statement, String preparedSql, Connection physical,
                                              boolean[] dead) {
        return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type},
                (p, method, args) -> {
                    if (dead[0] && !ALLOWED_WHEN_DEAD.contains(method.getName())) {
                        throw new SQLNonTransientConnectionException("injected: the connection is dead", "08006");
                    }
                    if (!method.getName().startsWith("execute")) {
                        return invoke(statement, method, args);
                    }
                    String sql = preparedSql != null ? preparedSql
                            : args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                    return run(sql, physical, dead, () -> invoke(statement, method, args));
                }));
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Throwable;
    }

    private Object run(String sql, Connection physical, boolean[] dead, Call call) throws Throwable {
        Fault fault = trigger(sql);
        if (fault == null) {
            return call.call();
        }
        switch (fault.timing()) {
            case INSTEAD -> {
                dead[0] = fault.killsConnection();
                throw fault.error();
            }
            case AFTER -> {
                call.call();
                dead[0] = fault.killsConnection();
                throw fault.error();
            }
            case CALLBACK_BEFORE -> {
                fault.callback().accept(physical);
                return call.call();
            }
            default -> throw new IllegalStateException(fault.timing().name());
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
