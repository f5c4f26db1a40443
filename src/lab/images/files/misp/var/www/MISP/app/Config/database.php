<?php
class DATABASE_CONFIG {
	public $default = array(
		'datasource' => 'Database/Mysql',
		'persistent' => false,
		'host' => 'localhost',
		'login' => 'misp',
		'port' => '3306',
		'password' => 'misp',
		'database' => 'misp',
		'prefix' => '',
		'encoding' => 'utf8',
	);
}
