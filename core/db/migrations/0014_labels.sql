-- Gmail labels per tenant (issue 14): emails.label_ids hold ids ("Label_12"); this names them. Replaced
-- whole from users.labels.list at each sync (1 quota unit) and when history names an unknown id.
CREATE TABLE labels (
    tenant_id         text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    label_id          text        NOT NULL,
    name              text        NOT NULL,
    type              text        NOT NULL CHECK (type IN ('system', 'user')),
    text_color        text,
    background_color  text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, label_id)
);
-- label:Receipts in search: a user label by its name, case-insensitively, as Gmail does.
CREATE INDEX labels_name_idx ON labels (tenant_id, lower(name));
