create schema platform_test;
create table platform_test.widget (id int primary key, name text not null);
