// Shows the last 20 lines the proxy passes on over "lws-minimal-proxy".
document.addEventListener("DOMContentLoaded", function () {
	var scheme = document.location.protocol === "https:" ? "wss://" : "ws://";
	var ws = new WebSocket(scheme + document.location.host + "/", "lws-minimal-proxy");
	var r = document.getElementById("r");
	var status = document.getElementById("status");
	var lines = [];
	ws.onopen = function () { status.textContent = "ws open"; };
	ws.onmessage = function (msg) {
		lines.push(msg.data);
		if (lines.length > 20) {
			lines.shift();
		}
		r.value = lines.join("\n");
	};
	ws.onclose = function () { status.textContent = "ws closed"; };
});
