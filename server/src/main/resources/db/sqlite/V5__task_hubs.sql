-- Task hubs created at run time (CreateTaskHub), so that they outlive a restart. Hubs named at
-- start (--task-hubs) are served whether or not they have a row here.
CREATE TABLE task_hubs (
    name       TEXT   PRIMARY KEY,
    created_at BIGINT NOT NULL
);
