<?php
// Installs the copied WordPress without a browser (Debian has no wp-cli) and prints JSON:
// php install.php <site folder> <user> <password> <theme>
// wp-settings.php uses globals such as $theme and $user itself: keep ours apart.
$amends = array_combine(['site', 'user', 'password', 'theme'], array_slice($argv, 1, 4));
define('WP_INSTALLING', true);
require $amends['site'] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$installed = wp_install(
    'Example Police',
    $amends['user'],
    $amends['user'] . '@example.test',
    true,
    '',
    wp_slash($amends['password'])
);
switch_theme($amends['theme']);
// Pretty permalinks, so that the REST API answers under /wp-json/ as on a real site. The rules
// are built again on the first request.
update_option('permalink_structure', '/%postname%/');
delete_option('rewrite_rules');
[$app_password] = WP_Application_Passwords::create_new_application_password(
    $installed['user_id'],
    ['name' => 'Amends tests']
);
echo json_encode([
    'user_id' => $installed['user_id'],
    'app_password' => $app_password,
    'version' => get_bloginfo('version'),
    'theme' => get_stylesheet(),
]);
