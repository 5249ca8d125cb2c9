alter table platform_test.widget add column colour text;
insert into platform_test.widget (id, name, colour) values (1, 'first', 'red');
