package dev.ember.controlplane;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Locks a test holds in the control plane's database (on a {@code ServiceDatabase} connection), and who waits on them. */
public final class Database {

    private Database() {
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
