<?php
// Prints the site's WXR export, as Tools → Export → All content makes it, without a browser:
// php export.php <site folder>
$amends_site = $argv[1];
require $amends_site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
export_wp(['content' => 'all']);
