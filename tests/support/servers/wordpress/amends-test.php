<?php
/*
 * Plugin Name: Amends test site
 * Description: Must-use plugin of the Amends test harness: no mail leaves the test site.
 */
add_filter('pre_wp_mail', '__return_true');

// Pingbacks between the test site and Amends, both on loopback: WordPress refuses private
// addresses and ports other than 80, 443 and 8080 unless told otherwise.
add_filter('http_request_host_is_external', '__return_true');
add_filter('http_allowed_safe_ports', function ($ports, $host, $url) {
    $port = parse_url($url, PHP_URL_PORT);
    return $port ? array_merge($ports, array($port)) : $ports;
}, 10, 3);
add_filter('comment_flood_filter', '__return_false');

// A post whose title starts "[no pingback]" sends none (a test sends its Webmention itself).
add_action('pre_ping', function (&$links, &$pung, $post_id) {
    if (strpos(get_the_title($post_id), '[no pingback]') === 0) {
        $links = array();
    }
}, 10, 3);
