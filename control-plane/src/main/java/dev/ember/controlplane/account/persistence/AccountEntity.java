package dev.ember.controlplane.account.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "account")
public class AccountEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "account_type")
    public String accountType;

    public String email;

    public String state;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;
}
