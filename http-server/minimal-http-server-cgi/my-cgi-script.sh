#!/bin/sh
# The CGI script of minimal-http-server-cgi. The server runs it for every
# request with the request in its environment (CGI/1.1) and the body on
# stdin; what it prints on stdout is the response (a header block, a
# blank line, the body), what it prints on stderr goes to the server's log.

printf 'Content-Type: text/html; charset=utf-8\r\n'
printf 'X-Script: my-cgi-script.sh\r\n'
printf '\r\n'

# html escapes its argument for the page.
html() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}

echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>lws-go cgi</title></head><body>'
echo '<h1>lws-go test script stdout</h1>'
echo "lws-go test script stderr: REQUEST_METHOD was $REQUEST_METHOD" >&2
echo "<h2 id=\"method\">REQUEST_METHOD=$(html "$REQUEST_METHOD")</h2>"
echo "<p id=\"path\">PATH_INFO=$(html "$PATH_INFO") QUERY_STRING=$(html "$QUERY_STRING")</p>"

if [ "$REQUEST_METHOD" = "POST" ]; then
	echo "lws-go test script stderr: doing read" >&2
	echo "<p>CONTENT_LENGTH=$(html "${CONTENT_LENGTH:-}")</p>"
	# Read exactly the body (CONTENT_LENGTH bytes); stdin ends there.
	body=$(head -c "${CONTENT_LENGTH:-0}")
	echo "lws-go test script stderr: done read" >&2
	echo "<p id=\"read\">read=\"$(html "$body")\"</p>"
else
	echo '<table id="meminfo"><tr><td colspan="2">/proc/meminfo</td></tr>'
	if [ -r /proc/meminfo ]; then
		while IFS=: read -r name value; do
			echo "<tr><td>$(html "$name")</td><td>$(html "$value")</td></tr>"
		done < /proc/meminfo
	fi
	echo '</table>'
fi

echo '<p id="done">done</p>'
echo '</body></html>'
exit 0
