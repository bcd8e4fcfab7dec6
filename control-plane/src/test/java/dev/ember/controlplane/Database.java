package dev.ember.controlplane;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** A JDBC connection of the test's own to the control plane's database, for holding locks the service then meets. */
public final class Database {

    private Database() {
    }

    public static Connection connect() throws Exception {
        Config config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    /** Holds the account's row until {@code db}'s transaction ends: creates in it then wait at their insert. */
    public static void lockAccount(Connection db, String account) throws Exception {
        db.setAutoCommit(false);
        try (Statement lock = db.createStatement()) {
            // The insert's foreign key to the account needs a share of this row.
            lock.execute("select account_id from control_plane.account where account_id = '" + account
                    + "' for update");
        }
    }

    /** How many inserts into the deployment table wait for a lock now. */
    public static int waitingInserts(Connection db) throws Exception {
        try (Statement s = db.createStatement();
                ResultSet r = s.executeQuery("select count(*) from pg_stat_activity "
                        + "where wait_event_type = 'Lock' and query like 'insert into control_plane.deployment%'")) {
            r.next();
            return r.getInt(1);
        }
    }
}
