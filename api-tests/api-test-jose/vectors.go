package main

// lws's JOSE test vectors (its api-test-jose jwk.c, jws.c, jwe.c), by lws's
// names: RFC 7515, 7516, 7517, 7518 and 8037 examples and lws's own.
var v = map[string]string{
	"akw_ct_128_128": "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2Iiwia2lkIjoiLTRX" +
		"TEpQNWNrYUxBUFFFNXkwYXhLT0JUSTlFTngxUXBCa0toNkdOY2loOCJ9.h6oNSEg" +
		"z3LwIMndEkPEa8H7_5zy0hh8TaU_1yWoNtu4Dh_WJpEgx9g.j7TYjj8wB0RS6rcl" +
		"TWYmqw.zm3tPzuWhXoD7IsAWbA0xz-AJXvE9gydWPRBTaO40sQ.Okf7ttWDLPMwI" +
		"j1kUyUO_A",
	"akw_ct_128_192": "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTkyQ0JDLUhTMzg0Iiwia2lkIjoiLTRX" +
		"TEpQNWNrYUxBUFFFNXkwYXhLT0JUSTlFTngxUXBCa0toNkdOY2loOCJ9.XkRTu4n" +
		"P3b0KZxXjkjdHEnbf6AWZUmFvpsqZLuLxKcrONqDUsnYasnVuo6U0QKRUmcyBRtS" +
		"PGW4.MzNxxoOp8JR2AHoLNve-vw.rdxgo6InRAxk3afG02_75l58u5m6KYHd3hLH" +
		"16ksnZE.v7BLKaRZIwhUPhhBRTd8yPwH0xa1fOft",
	"akw_ct_128_256": "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiLTRX" +
		"TEpQNWNrYUxBUFFFNXkwYXhLT0JUSTlFTngxUXBCa0toNkdOY2loOCJ9.mueR-8X" +
		"zXs2RyvzzvghpIpGS1mGl7vkSjJDF5zqhH8-ektBpCXSd7R7MS5nh2-Xf_8XDym1" +
		"gn1QEQh5bDI3GPESnSN1TJR-h.g6plL_5L2BD8wcjZS7X79A.UTndfTFhGFaVZvW" +
		"qPkV7dN00gckesd_7UylosVDqjwU.-rgi0jkYuCZDMwUVLxN6e6x8fXw2U0u4-vL" +
		"8uKb__S8",
	"akw_ct_192_128": "eyJhbGciOiJBMTkyS1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2Iiwia2lkIjoiai10" +
		"RWp2Q2JyNVlUZWtKUXlES3kyQXh5cjBWeUlUWXk4S3IycjB0cy1USSJ9.mEURnj2" +
		"NvPa3TU0uR8mcm2cMd33Y6iYYZ_LFrYS_Gz49gcdxZpdk1Q.v3csq81X9omI-bcp" +
		"6i-FTQ.EgroRqmqNfeH7XC9msLap1IGcqvc09SlnI4PO6RQqS0.hDi57mXD3vXdx" +
		"2r4Kwnv9w",
	"akw_ct_192_192": "eyJhbGciOiJBMTkyS1ciLCJlbmMiOiJBMTkyQ0JDLUhTMzg0Iiwia2lkIjoiai10" +
		"RWp2Q2JyNVlUZWtKUXlES3kyQXh5cjBWeUlUWXk4S3IycjB0cy1USSJ9.QHgtusQ" +
		"dP7Zvw9tsCZNkJyEmzg6KUaaIyTb2BXB0ng9mxSUIQ7y_6oqasYKBUJgBnKoru-3" +
		"CXOE.ZZXcGY35mmlAb4-IgA5XlQ.AuG2GRPeYJ80_4XoYAUgXbVY65ZQ689Grnx8" +
		"RCNQdfc.UjfgDr4z3PGQBdftWT2gqx1Egfd9PUR4",
	"akw_ct_192_256": "eyJhbGciOiJBMTkyS1ciLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiai10" +
		"RWp2Q2JyNVlUZWtKUXlES3kyQXh5cjBWeUlUWXk4S3IycjB0cy1USSJ9.G6Dziym" +
		"YyU3-6unIa-Oz-0lksH05OJFDZKkFuShMuoazEMZ5ZH2S_65qD-pjpf8aN2thOVO" +
		"YT0mdtgFM0ARUfx8ZLhRFCcn1.yEKK4eARZIo9WtGVcQmgDQ.ovan2NXDmt_KaSs" +
		"VJmhIMQqVz6meqz1oExfVcY8vdzA.R3T4lQIKX5cc2Ktv42e9u5PR--v_w2uK7F4" +
		"WpSr5SQ8",
	"akw_ct_256_128": "eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2Iiwia2lkIjoiSDVw" +
		"SzRRUU81U0tHbDA3UXhIdk9YMzVqS2FJbzA2NXVLdWRubVZFZVpJYyJ9.ZLWrz5C" +
		"E7Iav2db37VL9ZABeaRVrV9af-7-46Loc9M2D0SPSNtsxpg.ktk-VU8-5bXRvW_A" +
		"6IqDjQ.xZVIglOhadDBHUYuxPx6Wr_YzOo0qCDH24xVe58qP9Q.pO_tME930wOu5" +
		"fNJ8ubGrw",
	"akw_ct_256_192": "eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMTkyQ0JDLUhTMzg0Iiwia2lkIjoiSDVw" +
		"SzRRUU81U0tHbDA3UXhIdk9YMzVqS2FJbzA2NXVLdWRubVZFZVpJYyJ9.fcblAVZ" +
		"7VOXtyhymqxDBr-zgvId18p3AURNbhH5FmAvKNuUVU37xPkz6BrFopLP0JjqXaTy" +
		"yg1s.fprTe2e0esH2w7EnLEgBZQ.g1BI0U1aKSM_JBEp9jC4BxBaFXVG5BW4nlbh" +
		"X1MDeLo.XOLanrIkitLLDRONnfM05avahl_lJ_UY",
	"akw_ct_256_256": "eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiSDVw" +
		"SzRRUU81U0tHbDA3UXhIdk9YMzVqS2FJbzA2NXVLdWRubVZFZVpJYyJ9.Spizfgt" +
		"zQLJCCnYnUmNfiMMTyL8iIDi8OyUDrO00KJtfwJdNAcs-NuYQkLKx6PlDJIGjucT" +
		"4-IuA8k_Oc752kq1BzTHMZ-Mo.go-e8xpQoCmLD5RBQw7ruA.WqkEdM6T1_z5FC-" +
		"8eGQfGjos7cHPy1ecZk1Ep-TYgXo.bZVHhIpe2PbjguQlK_afkYDlVmEtRAe3LUJ" +
		"UX4STOtU",
	"akw_key_128": "{\"k\":\"JjVJVh8JsXvKf9qgHHWWBA\",\"kty\":\"oct\"}",
	"akw_key_192": "{\"k\":\"BYF6urCMDRMKFXXRxXrDSVtW71AUZghj\",\"kty\":\"oct\"}",
	"akw_key_256": "{\"k\":\"cSHyZXGEfnlgKud21cM6tAxRyXnK6xbWRTsyLUegTMk\",\"kty\":\"oct\"}",
	"akw_ptext":   "plaintext0123456",
	"complete": "{\"protected\":\"eyJlbmMiOiJBMTI4Q0JDLUhTMjU2In0\",\"unprotected\":{\"j" +
		"ku\":\"https://server.example.com/keys.jwks\"},\"recipients\":[{\"head" +
		"er\":{\"alg\":\"RSA1_5\",\"kid\":\"2011-04-29\"},\"encrypted_key\":\"UGhIOgu" +
		"C7IuEvf_NPVaXsGMoLOmwvc1GyqlIKOK1nN94nHPoltGRhWhw7Zx0-kFm1NJn8LE" +
		"9XShH59_i8J0PH5ZZyNfGy2xGdULU7sHNF6Gp2vPLgNZ__deLKxGHZ7PcHALUzoO" +
		"egEI-8E66jX2E4zyJKx-YxzZIItRzC5hlRirb6Y5Cl_p-ko3YvkkysZIFNPccxRU" +
		"7qve1WYPxqbb2Yw8kZqa2rMWI5ng8OtvzlV7elprCbuPhcCdZ6XDP0_F8rkXds2v" +
		"E4X-ncOIM8hAYHHi29NX0mcKiRaD0-D-ljQTP-cFPgwCp6X-nZZd9OHBv-B3oWh2" +
		"TbqmScqXMR4gp_A\"},{\"header\":{\"alg\":\"A128KW\",\"kid\":\"7\"},\"encrypte" +
		"d_key\":\"6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ\"}" +
		"],\"iv\":\"AxY8DCtDaGlsbGljb3RoZQ\",\"ciphertext\":\"KDlTtXchhZTGufMYmO" +
		"YGS4HffxPSUrfmqCHXaI9wOGY\",\"tag\":\"Mz-VPPyU4RlcuYv1IwIvzw\"}\"",
	"ecdhes_t1_jose_hdr_es_128":       "{\"alg\":\"ECDH-ES\",\"enc\":\"A128CBC-HS256\"}",
	"ecdhes_t1_jose_hdr_es_192":       "{\"alg\":\"ECDH-ES\",\"enc\":\"A192CBC-HS384\"}",
	"ecdhes_t1_jose_hdr_es_256":       "{\"alg\":\"ECDH-ES\",\"enc\":\"A256CBC-HS512\"}",
	"ecdhes_t1_jose_hdr_esakw128_128": "{\"alg\":\"ECDH-ES+A128KW\",\"enc\":\"A128CBC-HS256\"}",
	"ecdhes_t1_jose_hdr_esakw192_192": "{\"alg\":\"ECDH-ES+A192KW\",\"enc\":\"A192CBC-HS384\"}",
	"ecdhes_t1_jose_hdr_esakw256_256": "{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256CBC-HS512\"}",
	"ecdhes_t1_peer_p256_private_key": "{\"crv\":\"P-256\",\"d\":\"ldszv0_cGFMkjxaPspGCP6X0NAaVCVeK48oH4RzT2T0\"" +
		",\"kty\":\"EC\",\"x\":\"ySlIGttmXG80WPjDO01QaXg7oAzW3NE-a-GF0NDGk_E\",\"y" +
		"\":\"i08k5z4ppqgtnLK8lh5qw4qp2FhxPdGjovgilajluuw\"}",
	"ecdhes_t1_peer_p256_public_key": "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"ySlIGttmXG80WPjDO01QaXg7oAzW3NE-a" +
		"-GF0NDGk_E\",\"y\":\"i08k5z4ppqgtnLK8lh5qw4qp2FhxPdGjovgilajluuw\"}",
	"ecdhes_t1_peer_p384_private_key": "{\"crv\":\"P-384\",\"d\":\"jYGze6ZwZxrflVx_I2lYWNf9GkfbeQNRwQCdtZhBlb85" +
		"lk-SAvaZuNiRUs_eWmPQ\",\"kty\":\"EC\",\"x\":\"injKcygDoG1AuP044ct88r_2DN" +
		"inHr1CGqy4q2Sy5yo034Y7yQ5_NT-lEUXrzlIW\",\"y\":\"y52QaJLhVm-ts8xa1jL" +
		"8GkmwGm_dX6xV1PSq4s3pbwx2Hu9X29z5WYcTPFOCPtwJ\"}",
	"ecdhes_t1_peer_p384_public_key": "{\"crv\":\"P-384\",\"kty\":\"EC\",\"x\":\"injKcygDoG1AuP044ct88r_2DNinHr1CG" +
		"qy4q2Sy5yo034Y7yQ5_NT-lEUXrzlIW\",\"y\":\"y52QaJLhVm-ts8xa1jL8GkmwGm" +
		"_dX6xV1PSq4s3pbwx2Hu9X29z5WYcTPFOCPtwJ\"}",
	"ecdhes_t1_peer_p521_private_key": "{\"crv\":\"P-521\",\"d\":\"AUer7_-qJtQtDWN6CMeGB20rzTa648kpsfidTOu3lnn6" +
		"__yOXkMj1yTYUBjVOnUjGHiTU1rCGsw4CyF-1nDRe7SM\",\"kty\":\"EC\",\"x\":\"AY" +
		"e0gAkPzzjeQW5Ek9tVrWdfi0u6k7LVUru-b2x7V9EM3dL4SbQiS1p2j2gmZ2a6aD" +
		"oKDRU_2E4u9EQrlswlty-g\",\"y\":\"AEAIIRkVL0WhtDlDSM7dciBtL1dOo5UPiW7" +
		"ixIOv5K75MouFNWO7cFmcxaCOn9459ex0giVyptmX_956C_DWabG6\"}",
	"ecdhes_t1_peer_p521_public_key": "{\"crv\":\"P-521\",\"kty\":\"EC\",\"x\":\"AYe0gAkPzzjeQW5Ek9tVrWdfi0u6k7LVU" +
		"ru-b2x7V9EM3dL4SbQiS1p2j2gmZ2a6aDoKDRU_2E4u9EQrlswlty-g\",\"y\":\"AE" +
		"AIIRkVL0WhtDlDSM7dciBtL1dOo5UPiW7ixIOv5K75MouFNWO7cFmcxaCOn9459e" +
		"x0giVyptmX_956C_DWabG6\"}",
	"ecdhes_t1_plaintext": "This test plaintext is exactly 64 bytes long when unencrypted...",
	"eddsa_cser": "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il" +
		"_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g" +
		"7sVvpAr_MuM0KAg",
	"eddsa_jose": "{\"alg\":\"EdDSA\"}",
	"eddsa_jwk": "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7Mm" +
		"kZcDusAxyuf2A\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"" +
		"}",
	"eddsa_payload": "Example of Ed25519 signing",
	"es256_cser": "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODA" +
		"sDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8" +
		"L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqP" +
		"P3-Kg6NU1Q",
	"es256_jose": "{\"alg\":\"ES256\"}",
	"es256_jwk": "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tu" +
		"s9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"d" +
		"\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}",
	"es256_payload": "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\"" +
		":true}",
	"es512_cser": "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJb" +
		"LfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwF" +
		"KdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9E" +
		"RBXukOXolLzeO_Jn",
	"es512_jose": "{\"alg\":\"ES512\"}",
	"es512_jwk": "{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXm" +
		"Pk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk\",\"y\":\"AD" +
		"SmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd" +
		"0AZMaZmh9ubmf63e3kyMj2\",\"d\":\"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fL" +
		"YyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C\"}",
	"es512_payload": "Payload",
	"ex_a1_compact": "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaH" +
		"V7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWS" +
		"rFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gN" +
		"xKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i" +
		"-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoR" +
		"dbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGd" +
		"XKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oM" +
		"o4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvS" +
		"kQ",
	"ex_a1_jwk_json": "{\"kty\":\"RSA\",\"n\":\"oahUIoWw0K0usKNuOR6H4wkf4oBUXHTxRvgb48E-BVvxke" +
		"DNjbC4he8rUWcJoZmds2h7M70imEVhRU5djINXtqllXI4DFqcI1DgjT9LewND8MW" +
		"2Krf3Spsk_ZkoFnilakGygTwpZ3uesH-PFABNIUYpOiN15dsQRkgr0vEhxN92i2a" +
		"sbOenSZeyaxziK72UwxrrKoExv6kc5twXTq4h-QChLOln0_mtUZwfsRaMStPs6mS" +
		"6XrgxnxbWhojf663tuEQueGC-FCMfra36C9knDFGzKsNa7LZK2djYgyD3JR_MB_4" +
		"NUJW_TqOQtwHYbxevoJArm-L5StowjzGy-_bq6Gw\",\"e\":\"AQAB\",\"d\":\"kLdtIj" +
		"6GbDks_ApCSTYQtelcNttlKiOyPzMrXHeI-yk1F7-kpDxY4-WY5NWV5KntaEeXS1" +
		"j82E375xxhWMHXyvjYecPT9fpwR_M9gV8n9Hrh2anTpTD93Dt62ypW3yDsJzBnTn" +
		"rYu1iwWRgBKrEYY46qAZIrA2xAwnm2X7uGR1hghkqDp0Vqj3kbSCz1XyfCs6_Leh" +
		"BwtxHIyh8Ripy40p24moOAbgxVw3rxT_vlt3UVe4WO3JkJOzlpUf-KTVI2Ptgm-d" +
		"ARxTEtE-id-4OJr0h-K-VFs3VSndVTIznSxfyrj8ILL6MG_Uv8YAu7VILSB3lOW0" +
		"85-4qE3DzgrTjgyQ\",\"p\":\"1r52Xk46c-LsfB5P442p7atdPUrxQSy4mti_tZI3M" +
		"gf2EuFVbUoDBvaRQ-SWxkbkmoEzL7JXroSBjSrK3YIQgYdMgyAEPTPjXv_hI2_1e" +
		"TSPVZfzL0lffNn03IXqWF5MDFuoUYE0hzb2vhrlN_rKrbfDIwUbTrjjgieRbwC6C" +
		"l0\",\"q\":\"wLb35x7hmQWZsWJmB_vle87ihgZ19S8lBEROLIsZG4ayZVe9Hi9gDVC" +
		"OBmUDdaDYVTSNx_8Fyw1YYa9XGrGnDew00J28cRUoeBB_jKI1oma0Orv1T9aXIWx" +
		"Kwd4gvxFImOWr3QRL9KEBRzk2RatUBnmDZJTIAfwTs0g68UZHvtc\",\"dp\":\"ZK-Y" +
		"wE7diUh0qR1tR7w8WHtolDx3MZ_OTowiFvgfeQ3SiresXjm9gZ5KLhMXvo-uz-KU" +
		"JWDxS5pFQ_M0evdo1dKiRTjVw_x4NyqyXPM5nULPkcpU827rnpZzAJKpdhWAgqrX" +
		"GKAECQH0Xt4taznjnd_zVpAmZZq60WPMBMfKcuE\",\"dq\":\"Dq0gfgJ1DdFGXiLvQ" +
		"EZnuKEN0UUmsJBxkjydc3j4ZYdBiMRAy86x0vHCjywcMlYYg4yoC4YZa9hNVcsjq" +
		"A3FeiL19rk8g6Qn29Tt0cj8qqyFpz9vNDBUfCAiJVeESOjJDZPYHdHY8v1b-o-Z2" +
		"X5tvLx-TCekf7oxyeKDUqKWjis\",\"qi\":\"VIMpMYbPf47dT1w_zDUXfPimsSegnM" +
		"OA1zTaX7aGk_8urY6R8-ZW1FxU7AlWAyLWybqq6t16VFd7hQd0y6flUK4SlOydB6" +
		"1gwanOsXGOAOv82cHq0E3eL4HrtZkUuKvnPrMnsUUFlfUdybVzxyjz9JF_XyaY14" +
		"ardLSjf4L_FNY\"}",
	"ex_a1_ptext": "The true sign of intelligence is not knowledge but imagination.",
	"ex_a2_compact": "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.UGhIOguC7IuE" +
		"vf_NPVaXsGMoLOmwvc1GyqlIKOK1nN94nHPoltGRhWhw7Zx0-kFm1NJn8LE9XShH" +
		"59_i8J0PH5ZZyNfGy2xGdULU7sHNF6Gp2vPLgNZ__deLKxGHZ7PcHALUzoOegEI-" +
		"8E66jX2E4zyJKx-YxzZIItRzC5hlRirb6Y5Cl_p-ko3YvkkysZIFNPccxRU7qve1" +
		"WYPxqbb2Yw8kZqa2rMWI5ng8OtvzlV7elprCbuPhcCdZ6XDP0_F8rkXds2vE4X-n" +
		"cOIM8hAYHHi29NX0mcKiRaD0-D-ljQTP-cFPgwCp6X-nZZd9OHBv-B3oWh2TbqmS" +
		"cqXMR4gp_A.AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUr" +
		"fmqCHXaI9wOGY.9hH0vgRfYgPnAHOd8stkvw",
	"ex_a3_compact": "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.6KB707dM9YTI" +
		"gHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ.AxY8DCtDaGlsbGljb3RoZ" +
		"Q.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.U0m_YmjN04DJvceFIC" +
		"bCVQ",
	"ex_a3_key": "{\"kty\":\"oct\",\"k\":\"GawgguFyGrWKav7AX4VKUg\"}",
	"ex_jwa_c_jose": "{\"alg\":\"ECDH-ES\",\"enc\":\"A128GCM\",\"apu\":\"QWxpY2U\",\"apv\":\"Qm9i\",\"e" +
		"pk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"gI0GAILBdu7T53akrFmMyGcsF3n5d" +
		"O7MmwNBHKW5SV0\",\"y\":\"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps" +
		"\"}}",
	"hash_enc": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	"jwe_compact_rsa_cbc_mbedtls": "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.Ptg-RZjEhY1d" +
		"Wg7Tv72rqRoHXBeory9ePCC5cfASTz8BH7IdSLQcPeBWHQsmd13TXPjo-dxnmkWk" +
		"x9AyKdvyK0A6oCnsP7KfbGzPwTy5eadpaaDZ3UyXIGmusLgiXGgDZ4d13voirbRQ" +
		"V9nQTPsagG_kFGRI5dKzenG2WcbUhKG-uCmypzYqjNM3LqUzdH42jjjHFOBkmK_s" +
		"WSZL7Uxqq8s08hkOaXeUQyeM7Z8wm1bsZAvIfGri5LMcBS8P70AyENchlchZpTeA" +
		"CIOWk19ddLPUt-ruEcm0zZV7Gjap7uG06a0m3VyR3vMpKkXnBHQxko-RICU2PDmE" +
		"LVXg0pZWTw.-VaaDaUiynH_tsh2HqKISQ.vVE8j1TQinb4anJk0ArV9ccYdlUIO2" +
		"0vnMa7b-JGfQ7CFi_WVt6xNaqytBQqiTHLtAxBDIV4m9Kwid-8Kcx7BmRqu-memx" +
		"HztBSvBNOYWVPTxy5I2ORGLNEbPVrFYpc2nm3TnHfr-_2fuw6_HEnyqv_c6ZyzU0" +
		"-lHZ1pE5Cs-lrjnj4ibNcK6XHhrO3nxUjPMZrO-2B_tZwCxzKsFAqD_XGROvNGWX" +
		"EgxgIr09MyuwKJnw2oZ0xOF_d3FVYjK5XMONgWPolyDmbP_XLSIUXbHmLxpDB5NP" +
		"LN8SKRHbMV3_qw5rFRlak2C_XlR58P-Im1PQ8gMg7lgEIFz2DrqF4sJA5TYbQG5K" +
		"Cdas0SfONlP1V692dufH5D30RGsiWNSrhiyDmUNC0SeB8VqAbmc02pPGgzZHxa5-" +
		"_xIHKm4h6fmnZFScjliBQ5W6smxQ6m2Kby0MkOdqlRYFn8qLYLmFvmVNe_Q5-iLN" +
		"obx-hyyeeExRXfzNOY0HHEKw67ipBWwqA0JGIggCWAFa0fpA-Wt7sNl_gPy96nbw" +
		"uXIuRoC3wuboUlDp9k2F1vC7VY6R9jdRk1VXT_O3liBIiUIRhZiqZZ75H2RVpLYX" +
		"GrvL5G9THdRcbsg3XUt-kF4vvGQAdNmPdRmuIG1DfGDmOZnXfrG8ckTvxoKBXdQZ" +
		"gfwfAQFgeHjltiWZTCSBV4464sn2qLZ1MP3Ku9bOjb72RCpIF60Cqssb8gTQyXQf" +
		"48ZROBd242Q7Ae6PePmb_TcnG3jOguNUgmhj8iTU7QUz0uJWpJjMRPJ8vK8SnYEg" +
		"uGHer4qTEocdMzRTTZB-Pr4-Ey0Hm0zeiFvjU0Qy6crjna6SKrgms4VAJT9LiicT" +
		"YFPsmFBFQ0L1BVDiZ3NTBIv_ajvzRpBNZ0IxEH5t6W3OY0223xUF3cq8c9HhwIxM" +
		"f9a2-PmZ3mVWIRnUnGegoVkzd2l6el8aw57v5KKYas4-EkovHntCZZ_hkZ1uHtez" +
		"Kq0EvjnT5xGWjPFjOZnhveiozAsaMSSyTny6mcI-hjvcgd--7qlqWpt_BEkp9XVk" +
		"P2k7eHLM9v4rL6hhk_n6yK3wqKi0xDboxU5xjuBiGKb-E8um1MUEjuLqZanKSBsg" +
		"U-Vwvw0gx1r-MG6BSlrgUlT2if5k-Wfs6iVdpK7x1zZSsetp3NEjT4DUrfmp_E_C" +
		"TXhOEP0AgzpQ4Ukx5bFN3gm5gyBZw1E8q20Hs01OBcMJ9wenLEQVMvO_IEIkRNBM" +
		"WEgoZ148As14LNOgdh1UBrF6W4pAUjYvA3WGZp7uG9ooDB1RF2aaeBqoLJflqIeg" +
		"svsfaNNBDJ-U6i_jLG1FSlttEhJVdXll0gMSYlXDO3BBil4eiUPfiksfOmsbwoIx" +
		"c-3yPTivU3DPM.O_IaktJRbdV66zfhD0LQmw",
	"jwe_compact_rsa_cbc_openssl": "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.HgQBfAg2IUpE" +
		"xcs74-gtuSOciw6rxh2cc4x9MVRWDZKSvMqoBYKAxl6ebSxGTReHhbvhv2Rm8stK" +
		"qOIROhWzTNGTQPnSRMzAm9x6ms39hAIGh1KCEZ47MRYkCN7hElfDVtczOCX3ZRsG" +
		"9_qYEmzcY1aJ-4_LS3yeP0HfqKBmcfvjVLw-KqcUuHp5YXsZEvt28nA9uBlCN0RO" +
		"Wy_2Fs-zlQj8pDMWo5pZrffKTUXgUh_UJ9eC3qNyXtQSqUH-5vDeHPhxNnIJOsmJ" +
		"5ZUAjxXPm-RJZRC9THg0DzGRZn9IqfP9qcanbcZ8iow7gjFh1EPp3MKlpZqDKbLL" +
		"ei1WZvz2_A.q4STtyu4yxZfH1HNDYlYcA._uRfuwWO22_auSqXHORw_e_Q6PmbpC" +
		"0sv0tefVKsj3Zqnh2qUBlj10kiWBMWoMMjqsClBO0nUoup4c7i1YSqxlCHliXru3" +
		"athv_EYtg5qvC-z2co9NiFABHCHmBDrhj7CuKN5gqFDt1EbYMLwWtU3gOnQydvnz" +
		"fFcQs4_jKi6tRpQzbobrkkZ2p7Y_ltjA1Wmwqrp9O8DGSRnvcomqzGHcshuyxTkj" +
		"LDzD8TSMRS1kp-miy5eDGAcp-ymWiUKN7gswy5FPjPQYzgs7Vc0n0R1ljepRHJiH" +
		"aP61z_DKWXrCE6RqAVqnawTjjVOXXKKF9pz9W7pZL8diLZ0Ueev6xk8wzRRsUChM" +
		"5toQNzFLXsnzSDQSzfSKpRnLjYvosiEegyxRrwtQwEcNCXRj0aGxG6e_W79JdUJo" +
		"i4blpTtrAVn_pk7SgRiU3aly1vso5tV_0kvMOcS6Hn38mqRQPQxbdIpohi8C7FFa" +
		"bluZqGoiji8ZTM3v-2ib2vrBFj1YvoyPG1HXJsABINzo0xOkrMFNfN_oQrCSMIj4" +
		"9N86GXmYOnu5jtZeSMXZIR2BAXnu0upXMsvtSjU8D-LJJChy0XNYoyuJar5P3YhD" +
		"StdTfmn0z-XLwaIHWc1L9-rmW9CZey3HxCLKEnr7-FjXsXqzAArsFqn1X_sVR5HR" +
		"Hng5ioc7sUaRoC1S_k0XPVCqCjZvkbRry2cp2313DNwjl8SK-iZA0fVUZVPM7_eZ" +
		"fpEgB3bBTyamtAaqQeES6lcVEtpg176Mlh643JCAjroJPP4eqAA3JHnDgwlO-Xhl" +
		"LPTNNQ5FMLBC_dp41A-H3HFlbQUR6jX3k_H4Ggqtit50EIye3nnKb3emFn9KVyeZ" +
		"CYaBecYbicEIMKW7sWLbcE_cDGqkHZcMGTOQKRiLp-xwyEu89oDGAcGBYpmC_fiQ" +
		"2qyFfe6tQK_5nPZbtW2mudiYZ-d0YIURSTp58S_n6w3wLDUEcuZtv-nhCaFVy8oU" +
		"bAztkBIK6puVamKhHVLkCtOGIdNJYbLKAedhK1lQVPbrvfcSDPPkhxSx9AjKqhKA" +
		"3ZPMA_UXQb6p9c33tgi_MdZX-jRGXwGKWBCrv4UjttFLV-a5U7NgxQIIjwfAoutX" +
		"tYardFw2d5nTJRqBrw06PSqaLzQi616_b-U0g6bWxrFObIWrKODkGfQcXPXIQxW_" +
		"4Vh6gR2GaHSi_A_5SGH0zsBtYxisbKXLK2HiZJOXBew4-am6c0R1jBh7QtOWpwrY" +
		"Wt0d_xxrWtKezeEp3FkrFkwWCgY9dT1uV8tKUuxeeGqshkrXifT4axttpkbi-qAe" +
		"G_C6J-H29CPqScclD-A5LIg7k-KmA9hsWrXttAvoCSawNj1tv9JHq0jgP1yZytDW" +
		"1DkWdCBY0au54.qqYQEaGx-lUHoO43fOXvKQ",
	"jwk_ex_a1_jwk_json": "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"MKBCTNIcKUSDii11ySs3526i" +
		"DZ8AiTo7Tu6KPAqv7D4\",\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM" +
		"4IFyM\",\"use\":\"enc\",\"kid\":\"1\"},{\"kty\":\"RSA\",\"n\": \"0vx7agoebGcQSuu" +
		"PiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR" +
		"1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl" +
		"93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb" +
		"9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6W" +
		"eZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJz" +
		"KnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}]}",
	"jwk_ex_a2_jwk_json": "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"MKBCTNIcKUSDii11ySs3526i" +
		"DZ8AiTo7Tu6KPAqv7D4\",\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM" +
		"4IFyM\",\"d\":\"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE\",\"use\":\"" +
		"enc\",\"kid\":\"1\"},{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQ" +
		"mbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPeb" +
		"WKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0" +
		"h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6q" +
		"MQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRw" +
		"r3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\",\"e\":\"A" +
		"QAB\",\"d\":\"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7" +
		"dx5oo7GURknchnrRweUkC7hT5fJLM0WbFAKNLWY2vv7B6NqXSzUvxT0_YSfqijwp" +
		"3RTzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_c" +
		"PVY3i07a3t8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznb" +
		"JSzFHK66jT8bgkuqsk0GjskDJk19Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme" +
		"1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q\",\"p\":\"83i-7IvMGXoMXCskv73TKr863" +
		"7FiO7Z27zv8oj6pbWUQyLPQBQxtPVnwD20R-60eTDmD2ujnMt5PoqMrm8RfmNhVW" +
		"DtjjMmCMjOpSXicFHj7XOuVIYQyqVWlWEh6dN36GVZYk93N8Bc9vY41xy8B9RzzO" +
		"GVQzXvNEvn7O0nVbfs\",\"q\":\"3dfOR9cuYq-0S-mkFLzgItgMEfFzB2q3hWehMuG" +
		"0oCuqnb3vobLyumqjVZQO1dIrdwgTnCdpYzBcOfW5r370AFXjiWft_NGEiovoniz" +
		"hKpo9VVS78TzFgxkIdrecRezsZ-1kYd_s1qDbxtkDEgfAITAG9LUnADun4vIcb6y" +
		"elxk\",\"dp\":\"G4sPXkc6Ya9y8oJW9_ILj4xuppu0lzi_H7VTkS8xj5SdX3coE0oi" +
		"mYwxIi2emTAue0UOa5dpgFGyBJ4c8tQ2VF402XRugKDTP8akYhFo5tAA77Qe_Nmt" +
		"uYZc3C3m3I24G2GvR5sSDxUyAN2zq8Lfn9EUms6rY3Ob8YeiKkTiBj0\",\"dq\":\"s" +
		"9lAH9fggBsoFR8Oac2R_E2gw282rT2kGOAhvIllETE1efrA6huUUvMfBcMpn8lqe" +
		"W6vzznYY5SSQF7pMdC_agI3nG8Ibp1BUb0JUiraRNqUfLhcQb_d9GF4Dh7e74WbR" +
		"sobRonujTYN1xCaP6TO61jvWrX-L18txXw494Q_cgk\",\"qi\":\"GyM_p6JrXySiz1" +
		"toFgKbWV-JdI3jQ4ypu9rbMWx3rQJBfmt0FoYzgUIZEVFEcOqwemRN81zoDAaa-B" +
		"k0KWNGDjJHZDdDmFhW3AN7lI-puxk_mHZGJ11rxyR8O55XLSe3SPmRfKwZI6yU24" +
		"ZxvQKFYItdldUKGzO6Ia6zTKhAVRU\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}" +
		"]}",
	"jwk_ex_a3_jwk_json": "{\"keys\":[{\"kty\":\"oct\",\"alg\":\"A128KW\",\"k\":\"GawgguFyGrWKav7AX4VKUg" +
		"\"},{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_" +
		"T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\",\"kid\":\"HMAC key use" +
		"d in JWS spec Appendix A.1 example\"}]}",
	"jwk_ex_b_jwk_json": "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"1b94c\",\"n\":\"vrjOfz9Ccdgx5nQudyhd" +
		"oR17V-IubWMeOZCwX_jj0hgAsz2J_pqYW08PLbK_PdiVGKPrqzmDIsLI7sA25VEn" +
		"HU1uCLNwBuUiCO11_-7dYbsr4iJmG0Qu2j8DsVyT1azpJC_NG84Ty5KKthuCaPod" +
		"7iI7w0LK9orSMhBEwwZDCxTWq4aYWAchc8t-emd9qOvWtVMDC2BXksRngh6X5bUY" +
		"Ly6AyHKvj-nUy1wgzjYQDwHMTplCoLtU-o-8SNnZ1tmRoGE9uJkBLdh5gFENabWn" +
		"U5m1ZqZPdwS-qo-meMvVfJb6jJVWRpl2SUtCnYG2C32qvbWbjZ_jBPD5eunqsIo1" +
		"vQ\",\"e\":\"AQAB\",\"x5c\":[\"MIIDQjCCAiqgAwIBAgIGATz/FuLiMA0GCSqGSIb3D" +
		"QEBBQUAMGIxCzAJBgNVBAYTAlVTMQswCQYDVQQIEwJDTzEPMA0GA1UEBxMGRGVud" +
		"mVyMRwwGgYDVQQKExNQaW5nIElkZW50aXR5IENvcnAuMRcwFQYDVQQDEw5Ccmlhb" +
		"iBDYW1wYmVsbDAeFw0xMzAyMjEyMzI5MTVaFw0xODA4MTQyMjI5MTVaMGIxCzAJB" +
		"gNVBAYTAlVTMQswCQYDVQQIEwJDTzEPMA0GA1UEBxMGRGVudmVyMRwwGgYDVQQKE" +
		"xNQaW5nIElkZW50aXR5IENvcnAuMRcwFQYDVQQDEw5CcmlhbiBDYW1wYmVsbDCCA" +
		"SIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL64zn8/QnHYMeZ0LncoXaEde" +
		"1fiLm1jHjmQsF/449IYALM9if6amFtPDy2yvz3YlRij66s5gyLCyO7ANuVRJx1Nb" +
		"gizcAblIgjtdf/u3WG7K+IiZhtELto/A7Fck9Ws6SQvzRvOE8uSirYbgmj6He4iO" +
		"8NCyvaK0jIQRMMGQwsU1quGmFgHIXPLfnpnfajr1rVTAwtgV5LEZ4Iel+W1GC8ug" +
		"Mhyr4/p1MtcIM42EA8BzE6ZQqC7VPqPvEjZ2dbZkaBhPbiZAS3YeYBRDWm1p1OZt" +
		"WamT3cEvqqPpnjL1XyW+oyVVkaZdklLQp2Btgt9qr21m42f4wTw+Xrp6rCKNb0CA" +
		"wEAATANBgkqhkiG9w0BAQUFAAOCAQEAh8zGlfSlcI0o3rYDPBB07aXNswb4ECNIK" +
		"G0CETTUxmXl9KUL+9gGlqCz5iWLOgWsnrcKcY0vXPG9J1r9AqBNTqNgHq2G03X09" +
		"266X5CpOe1zFo+Owb1zxtp3PehFdfQJ610CDLEaS9V9Rqp17hCyybEpOGVwe8fnk" +
		"+fbEL2Bo3UPGrpsHzUoaGpDftmWssZkhpBJKVMJyf/RuP2SmmaIzmnw9JiSlYhzo" +
		"4tpzd5rFXhjRbg4zW9C+2qok+2+qDM1iJ684gPHMIY8aLWrdgQTxkumGmTqgawR+" +
		"N5MDtdPTEQ0XfIBc2cJEUyMTY5MPvACWpkA6SdS4xSvdXK3IVfOWA==\"]}",
	"jwk_ex_c1_jwk_json": "{\"kty\":\"RSA\",\"kid\":\"juliet@capulet.lit\",\"use\":\"enc\",\"n\":\"t6Q8PWS" +
		"i1dkJj9hTP8hNYFlvadM7DflW9mWepOJhJ66w7nyoK1gPNqFMSQRyO125Gp-TEko" +
		"dhWr0iujjHVx7BcV0llS4w5ACGgPrcAd6ZcSR0-Iqom-QFcNP8Sjg086MwoqQU_L" +
		"YywlAGZ21WSdS_PERyGFiNnj3QQlO8Yns5jCtLCRwLHL0Pb1fEv45AuRIuUfVcPy" +
		"SBWYnDyGxvjYGDSM-AqWS9zIQ2ZilgT-GqUmipg0XOC0Cc20rgLe2ymLHjpHciCK" +
		"VAbY5-L32-lSeZO-Os6U15_aXrk9Gw8cPUaX1_I8sLGuSiVdt3C_Fn2PZ3Z8i744" +
		"FPFGGcG1qs2Wz-Q\",\"e\":\"AQAB\",\"d\":\"GRtbIQmhOZtyszfgKdg4u_N-R_mZGU_" +
		"9k7JQ_jn1DnfTuMdSNprTeaSTyWfSNkuaAwnOEbIQVy1IQbWVV25NY3ybc_IhUJt" +
		"fri7bAXYEReWaCl3hdlPKXy9UvqPYGR0kIXTQRqns-dVJ7jahlI7LyckrpTmrM8d" +
		"WBo4_PMaenNnPiQgO0xnuToxutRZJfJvG4Ox4ka3GORQd9CsCZ2vsUDmsXOfUENO" +
		"yMqADC6p1M3h33tsurY15k9qMSpG9OX_IJAXmxzAh_tWiZOwk2K4yxH9tS3Lq1yX" +
		"8C1EWmeRDkK2ahecG85-oLKQt5VEpWHKmjOi_gJSdSgqcN96X52esAQ\",\"p\":\"2r" +
		"nSOV4hKSN8sS4CgcQHFbs08XboFDqKum3sc4h3GRxrTmQdl1ZK9uw-PIHfQP0Fkx" +
		"XVrx-WE-ZEbrqivH_2iCLUS7wAl6XvARt1KkIaUxPPSYB9yk31s0Q8UK96E3_OrA" +
		"DAYtAJs-M3JxCLfNgqh56HDnETTQhH3rCT5T3yJws\",\"q\":\"1u_RiFDP7LBYh3N4" +
		"GXLT9OpSKYP0uQZyiaZwBtOCBNJgQxaj10RWjsZu0c6Iedis4S7B_coSKB0Kj9Pa" +
		"PaBzg-IySRvvcQuPamQu66riMhjVtG6TlV8CLCYKrYl52ziqK0E_ym2QnkwsUX7e" +
		"YTB7LbAHRK9GqocDE5B0f808I4s\",\"dp\":\"KkMTWqBUefVwZ2_Dbj1pPQqyHSHjj" +
		"90L5x_MOzqYAJMcLMZtbUtwKqvVDq3tbEo3ZIcohbDtt6SbfmWzggabpQxNxuBpo" +
		"OOf_a_HgMXK_lhqigI4y_kqS1wY52IwjUn5rgRrJ-yYo1h41KR-vz2pYhEAeYrht" +
		"tWtxVqLCRViD6c\",\"dq\":\"AvfS0-gRxvn0bwJoMSnFxYcK1WnuEjQFluMGfwGitQ" +
		"BWtfZ1Er7t1xDkbN9GQTB9yqpDoYaN06H7CFtrkxhJIBQaj6nkF5KKS3TQtQ5qCz" +
		"kOkmxIe3KRbBymXxkb5qwUpX5ELD5xFc6FeiafWYY63TmmEAu_lRFCOJ3xDea-ot" +
		"s\",\"qi\":\"lSQi-w9CpyUReMErP1RsBLk7wNtOvs5EQpPqmuMvqW57NBUczScEoPw" +
		"mUqqabu9V0-Py4dQ57_bapoKRu1R90bvuFnU63SHWEFglZQvJDMeAvmj4sm-Fp0o" +
		"Yu_neotgQ0hzbI5gry7ajdYy9-2lNx_76aBZoOUu9HCJ-UsfSOI8\"}",
	"key_jwk": "{\"kty\":\"oct\",\r\n \"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_" +
		"T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}",
	"lws_jwe_ex_a2_jwk_json": "{\"kty\":\"RSA\",\"n\":\"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23" +
		"bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss" +
		"8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_" +
		"7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7" +
		"t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2t" +
		"ejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw\",\"e\":\"AQAB\",\"d\":\"VFCWOq" +
		"Xr8nvZNyaaJLXdnNPXZKRaWCjkU5Q2egQQpTBMwhprMzWzpR8Sxq1OPThh_J6MUD" +
		"8Z35wky9b8eEO0pwNS8xlh1lOFRRBoNqDIKVOku0aZb-rynq8cxjDTLZQ6Fz7jSj" +
		"R1Klop-YKaUHc9GsEofQqYruPhzSA-QgajZGPbE_0ZaVDJHfyd7UUBUKunFMScbf" +
		"lYAAOYJqVIVwaYR5zWEEceUjNnTNo_CVSj-VvXLO5VZfCUAVLgW4dpf1SrtZjSt3" +
		"4YLsRarSb127reG_DUwg9Ch-KyvjT1SkHgUWRVGcyly7uvVGRSDwsXypdrNinPA4" +
		"jlhoNdizK2zF2CWQ\",\"p\":\"9gY2w6I6S6L0juEKsbeDAwpd9WMfgqFoeA9vEyEUu" +
		"k4kLwBKcoe1x4HG68ik918hdDSE9vDQSccA3xXHOAFOPJ8R9EeIAbTi1VwBYnbTp" +
		"87X-xcPWlEPkrdoUKW60tgs1aNd_Nnc9LEVVPMS390zbFxt8TN_biaBgelNgbC95" +
		"sM\",\"q\":\"uKlCKvKv_ZJMVcdIs5vVSU_6cPtYI1ljWytExV_skstvRSNi9r66jdd" +
		"9-yBhVfuG4shsp2j7rGnIio901RBeHo6TPKWVVykPu1iYhQXw1jIABfw-MVsN-3b" +
		"Q76WLdt2SDxsHs7q7zPyUyHXmps7ycZ5c72wGkUwNOjYelmkiNS0\",\"dp\":\"w0kZ" +
		"bV63cVRvVX6yk3C8cMxo2qCM4Y8nsq1lmMSYhG4EcL6FWbX5h9yuvngs4iLEFk6e" +
		"ALoUS4vIWEwcL4txw9LsWH_zKI-hwoReoP77cOdSL4AVcraHawlkpyd2TWjE5evg" +
		"bhWtOxnZee3cXJBkAi64Ik6jZxbvk-RR3pEhnCs\",\"dq\":\"o_8V14SezckO6CNLK" +
		"s_btPdFiO9_kC1DsuUTd2LAfIIVeMZ7jn1Gus_Ff7B7IVx3p5KuBGOVF8L-qifLb" +
		"6nQnLysgHDh132NDioZkhH7mI7hPG-PYE_odApKdnqECHWw0J-F0JWnUd6D2B_1T" +
		"vF9mXA2Qx-iGYn8OVV1Bsmp6qU\",\"qi\":\"eNho5yRBEBxhGBtQRww9QirZsB66Tr" +
		"fFReG_CcteI1aCneT0ELGhYlRlCtUkTRclIfuEPmNsNDPbLoLqqCVznFbvdB7x-T" +
		"l-m0l_eFTj2KiqwGqE9PZB9nNTwMVvH3VRRSLWACvPnSiwP8N5Usy-WRXS-V7Tbp" +
		"xIhvepTfE0NNo\"}",
	"none_cser": "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAs" +
		"DQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
	"none_jose": "{\"alg\":\"none\"}",
	"none_payload": "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\"" +
		":true}",
	"rfc7515_rsa_a1": "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODA" +
		"sDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Ee" +
		"tdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Q" +
		"c_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--" +
		"f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN" +
		"9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6I" +
		"eYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypG" +
		"lUPQGe77Rw",
	"rfc7515_rsa_key": "{\"kty\":\"RSA\", \"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji" +
		"9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS" +
		"-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaS" +
		"HSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY" +
		"4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaG" +
		"Nj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\",\"e\":\"AQAB\",\"d\":\"Eq5xp" +
		"GnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLK" +
		"MgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu" +
		"-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC" +
		"4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5" +
		"Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0Q" +
		"U91p1DhOVRuOopznQ\",\"p\":\"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw" +
		"3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7" +
		"ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDw" +
		"GUc\",\"q\":\"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YA" +
		"mZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-n" +
		"jbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc\",\"dp\":\"BwK" +
		"fV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9" +
		"YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr" +
		"7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0\",\"dq\":\"h_96-mK1R_7glhsu" +
		"m81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oK" +
		"r6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ6" +
		"8m6_pbLBSp3nssTdlqvd0tIiTHU\",\"qi\":\"IYd7DHOhrWvxkwPQsRM2tOgrjbcrf" +
		"vtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YI" +
		"Bi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwV" +
		"K0JKSHuLFkuQ3U\"}",
	"rsa256a128_jose": "{ \"alg\":\"RSA-OAEP\",\"enc\":\"A128CBC-HS256\"}",
	"rsa256a192_jose": "{ \"alg\":\"RSA-OAEP\",\"enc\":\"A192CBC-HS384\"}",
	"rsa256a256_jose": "{ \"alg\":\"RSA-OAEP\",\"enc\":\"A256CBC-HS512\"}",
	"rsa_cert": `-----BEGIN CERTIFICATE-----
MIIF5jCCA86gAwIBAgIJANq50IuwPFKgMA0GCSqGSIb3DQEBCwUAMIGGMQswCQYD
VQQGEwJHQjEQMA4GA1UECAwHRXJld2hvbjETMBEGA1UEBwwKQWxsIGFyb3VuZDEb
MBkGA1UECgwSbGlid2Vic29ja2V0cy10ZXN0MRIwEAYDVQQDDAlsb2NhbGhvc3Qx
HzAdBgkqhkiG9w0BCQEWEG5vbmVAaW52YWxpZC5vcmcwIBcNMTgwMzIwMDQxNjA3
WhgPMjExODAyMjQwNDE2MDdaMIGGMQswCQYDVQQGEwJHQjEQMA4GA1UECAwHRXJl
d2hvbjETMBEGA1UEBwwKQWxsIGFyb3VuZDEbMBkGA1UECgwSbGlid2Vic29ja2V0
cy10ZXN0MRIwEAYDVQQDDAlsb2NhbGhvc3QxHzAdBgkqhkiG9w0BCQEWEG5vbmVA
aW52YWxpZC5vcmcwggIiMA0GCSqGSIb3DQEBAQUAA4ICDwAwggIKAoICAQCjYtuW
aICCY0tJPubxpIgIL+WWmz/fmK8IQr11Wtee6/IUyUlo5I602mq1qcLhT/kmpoR8
Di3DAmHKnSWdPWtn1BtXLErLlUiHgZDrZWInmEBjKM1DZf+CvNGZ+EzPgBv5nTek
LWcfI5ZZtoGuIP1Dl/IkNDw8zFz4cpiMe/BFGemyxdHhLrKHSm8Eo+nT734tItnH
KT/m6DSU0xlZ13d6ehLRm7/+Nx47M3XMTRH5qKP/7TTE2s0U6+M0tsGI2zpRi+m6
jzhNyMBTJ1u58qAe3ZW5/+YAiuZYAB6n5bhUp4oFuB5wYbcBywVR8ujInpF8buWQ
Ujy5N8pSNp7szdYsnLJpvAd0sibrNPjC0FQCNrpNjgJmIK3+mKk4kXX7ZTwefoAz
TK4l2pHNuC53QVc/EF++GBLAxmvCDq9ZpMIYi7OmzkkAKKC9Ue6Ef217LFQCFIBK
Izv9cgi9fwPMLhrKleoVRNsecBsCP569WgJXhUnwf2lon4fEZr3+vRuc9shfqnV0
nPN1IMSnzXCast7I2fiuRXdIz96KjlGQpP4XfNVA+RGL7aMnWOFIaVrKWLzAtgzo
GMTvP/AuehKXncBJhYtW0ltTioVx+5yTYSAZWl+IssmXjefxJqYi2/7QWmv1QC9p
sNcjTMaBQLN03T1Qelbs7Y27sxdEnNUth4kI+wIDAQABo1MwUTAdBgNVHQ4EFgQU
9mYU23tW2zsomkKTAXarjr2vjuswHwYDVR0jBBgwFoAU9mYU23tW2zsomkKTAXar
jr2vjuswDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAgEANjIBMrow
YNCbhAJdP7dhlhT2RUFRdeRUJD0IxrH/hkvb6myHHnK8nOYezFPjUlmRKUgNEDuA
xbnXZzPdCRNV9V2mShbXvCyiDY7WCQE2Bn44z26O0uWVk+7DNNLH9BnkwUtOnM9P
wtmD9phWexm4q2GnTsiL6Ul6cy0QlTJWKVLEUQQ6yda582e23J1AXqtqFcpfoE34
H3afEiGy882b+ZBiwkeV+oq6XVF8sFyr9zYrv9CvWTYlkpTQfLTZSsgPdEHYVcjv
xQ2D+XyDR0aRLRlvxUa9dHGFHLICG34Juq5Ai6lM1EsoD8HSsJpMcmrH7MWw2cKk
ujC3rMdFTtte83wF1uuF4FjUC72+SmcQN7A386BC/nk2TTsJawTDzqwOu/VdZv2g
1WpTHlumlClZeP+G/jkSyDwqNnTu1aodDmUa4xZodfhP1HWPwUKFcq8oQr148QYA
AOlbUOJQU7QwRWd1VbnwhDtQWXC92A2w1n/xkZSR1BM/NUSDhkBSUU1WjMbWg6Gg
mnIZLRerQCu1Oozr87rOQqQakPkyt8BUSNK3K42j2qcfhAONdRl8Hq8Qs5pupy+s
8sdCGDlwR3JNCMv6u48OK87F4mcIxhkSefFJUFII25pCGN5WtE4p5l+9cnO1GrIX
e2Hl/7M0c/lbZ4FvXgARlex2rkgS0Ka06HE=
-----END CERTIFICATE-----
`,
	"rsa_key": `-----BEGIN PRIVATE KEY-----
MIIJQwIBADANBgkqhkiG9w0BAQEFAASCCS0wggkpAgEAAoICAQCjYtuWaICCY0tJ
PubxpIgIL+WWmz/fmK8IQr11Wtee6/IUyUlo5I602mq1qcLhT/kmpoR8Di3DAmHK
nSWdPWtn1BtXLErLlUiHgZDrZWInmEBjKM1DZf+CvNGZ+EzPgBv5nTekLWcfI5ZZ
toGuIP1Dl/IkNDw8zFz4cpiMe/BFGemyxdHhLrKHSm8Eo+nT734tItnHKT/m6DSU
0xlZ13d6ehLRm7/+Nx47M3XMTRH5qKP/7TTE2s0U6+M0tsGI2zpRi+m6jzhNyMBT
J1u58qAe3ZW5/+YAiuZYAB6n5bhUp4oFuB5wYbcBywVR8ujInpF8buWQUjy5N8pS
Np7szdYsnLJpvAd0sibrNPjC0FQCNrpNjgJmIK3+mKk4kXX7ZTwefoAzTK4l2pHN
uC53QVc/EF++GBLAxmvCDq9ZpMIYi7OmzkkAKKC9Ue6Ef217LFQCFIBKIzv9cgi9
fwPMLhrKleoVRNsecBsCP569WgJXhUnwf2lon4fEZr3+vRuc9shfqnV0nPN1IMSn
zXCast7I2fiuRXdIz96KjlGQpP4XfNVA+RGL7aMnWOFIaVrKWLzAtgzoGMTvP/Au
ehKXncBJhYtW0ltTioVx+5yTYSAZWl+IssmXjefxJqYi2/7QWmv1QC9psNcjTMaB
QLN03T1Qelbs7Y27sxdEnNUth4kI+wIDAQABAoICAFWe8MQZb37k2gdAV3Y6aq8f
qokKQqbCNLd3giGFwYkezHXoJfg6Di7oZxNcKyw35LFEghkgtQqErQqo35VPIoH+
vXUpWOjnCmM4muFA9/cX6mYMc8TmJsg0ewLdBCOZVw+wPABlaqz+0UOiSMMftpk9
fz9JwGd8ERyBsT+tk3Qi6D0vPZVsC1KqxxL/cwIFd3Hf2ZBtJXe0KBn1pktWht5A
Kqx9mld2Ovl7NjgiC1Fx9r+fZw/iOabFFwQA4dr+R8mEMK/7bd4VXfQ1o/QGGbMT
G+ulFrsiDyP+rBIAaGC0i7gDjLAIBQeDhP409ZhswIEc/GBtODU372a2CQK/u4Q/
HBQvuBtKFNkGUooLgCCbFxzgNUGc83GB/6IwbEM7R5uXqsFiE71LpmroDyjKTlQ8
YZkpIcLNVLw0usoGYHFm2rvCyEVlfsE3Ub8cFyTFk50SeOcF2QL2xzKmmbZEpXgl
xBHR0hjgon0IKJDGfor4bHO7Nt+1Ece8u2oTEKvpz5aIn44OeC5mApRGy83/0bvs
esnWjDE/bGpoT8qFuy+0urDEPNId44XcJm1IRIlG56ErxC3l0s11wrIpTmXXckqw
zFR9s2z7f0zjeyxqZg4NTPI7wkM3M8BXlvp2GTBIeoxrWB4V3YArwu8QF80QBgVz
mgHl24nTg00UH1OjZsABAoIBAQDOxftSDbSqGytcWqPYP3SZHAWDA0O4ACEM+eCw
au9ASutl0IDlNDMJ8nC2ph25BMe5hHDWp2cGQJog7pZ/3qQogQho2gUniKDifN77
40QdykllTzTVROqmP8+efreIvqlzHmuqaGfGs5oTkZaWj5su+B+bT+9rIwZcwfs5
YRINhQRx17qa++xh5mfE25c+M9fiIBTiNSo4lTxWMBShnK8xrGaMEmN7W0qTMbFH
PgQz5FcxRjCCqwHilwNBeLDTp/ZECEB7y34khVh531mBE2mNzSVIQcGZP1I/DvXj
W7UUNdgFwii/GW+6M0uUDy23UVQpbFzcV8o1C2nZc4Fb4zwBAoIBAQDKSJkFwwuR
naVJS6WxOKjX8MCu9/cKPnwBv2mmI2jgGxHTw5sr3ahmF5eTb8Zo19BowytN+tr6
2ZFoIBA9Ubc9esEAU8l3fggdfM82cuR9sGcfQVoCh8tMg6BP8IBLOmbSUhN3PG2m
39I802u0fFNVQCJKhx1m1MFFLOu7lVcDS9JN+oYVPb6MDfBLm5jOiPuYkFZ4gH79
J7gXI0/YKhaJ7yXthYVkdrSF6Eooer4RZgma62Dd1VNzSq3JBo6rYjF7Lvd+RwDC
R1thHrmf/IXplxpNVkoMVxtzbrrbgnC25QmvRYc0rlS/kvM4yQhMH3eA7IycDZMp
Y+0xm7I7jTT7AoIBAGKzKIMDXdCxBWKhNYJ8z7hiItNl1IZZMW2TPUiY0rl6yaCh
BVXjM9W0r07QPnHZsUiByqb743adkbTUjmxdJzjaVtxN7ZXwZvOVrY7I7fPWYnCE
fXCr4+IVpZI/ZHZWpGX6CGSgT6EOjCZ5IUufIvEpqVSmtF8MqfXO9o9uIYLokrWQ
x1dBl5UnuTLDqw8bChq7O5y6yfuWaOWvL7nxI8NvSsfj4y635gIa/0dFeBYZEfHI
UlGdNVomwXwYEzgE/c19ruIowX7HU/NgxMWTMZhpazlxgesXybel+YNcfDQ4e3RM
OMz3ZFiaMaJsGGNf4++d9TmMgk4Ns6oDs6Tb9AECggEBAJYzd+SOYo26iBu3nw3L
65uEeh6xou8pXH0Tu4gQrPQTRZZ/nT3iNgOwqu1gRuxcq7TOjt41UdqIKO8vN7/A
aJavCpaKoIMowy/aGCbvAvjNPpU3unU8jdl/t08EXs79S5IKPcgAx87sTTi7KDN5
SYt4tr2uPEe53NTXuSatilG5QCyExIELOuzWAMKzg7CAiIlNS9foWeLyVkBgCQ6S
me/L8ta+mUDy37K6vC34jh9vK9yrwF6X44ItRoOJafCaVfGI+175q/eWcqTX4q+I
G4tKls4sL4mgOJLq+ra50aYMxbcuommctPMXU6CrrYyQpPTHMNVDQy2ttFdsq9iK
TncCggEBAMmt/8yvPflS+xv3kg/ZBvR9JB1In2n3rUCYYD47ReKFqJ03Vmq5C9nY
56s9w7OUO8perBXlJYmKZQhO4293lvxZD2Iq4NcZbVSCMoHAUzhzY3brdgtSIxa2
gGveGAezZ38qKIU26dkz7deECY4vrsRkwhpTW0LGVCpjcQoaKvymAoCmAs8V2oMr
Ziw1YQ9uOUoWwOqm1wZqmVcOXvPIS2gWAs3fQlWjH9hkcQTMsUaXQDOD0aqkSY3E
NqOvbCV1/oUpRi3076khCoAXI1bKSn/AvR3KDP14B5toHI/F5OTSEiGhhHesgRrs
fBrpEY1IATtPq1taBZZogRqI3rOkkPk=
-----END PRIVATE KEY-----
`,
	"rsa_key_2048": "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"lBJdvUq-9_8hlcduIWuBjRb0tGzzAvS4foq" +
		"oNCO7g-rOXMdeAcmqaSzWTbkaGIc3L1I4-Q3TOZtxn2UhuDlShZRIhM6JCQuUVNV" +
		"AF3TD7oXxHtZLJ7y_BqCUlrAmW31lu-nVmhY2G3xW26yXWUsDbCxz0hfLbVnXRSv" +
		"VKLzYWm_yyrFyEWfxB8peDocvKGh879z_aPCKE3PDOEl2AsgzYfpnWCLytkgnrTe" +
		"L6qY8HXxvvV-Jw-XMaRiwH0VldpIjs4DaoN35Kj1Ex7QOZznTkbYtMIqse8bRLoR" +
		"8Irkxbc5ncUAuX1KSV6lpPtelsA3RtEjJ4NHV-5eEABiYh8_CFQ\",\"d\":\"DDpguQ" +
		"9RVQFMoJC5z2hlkvq91kvsXPv2Y9Dcki256xYlg55H7Prep__hahrABR2Jg6QVJh" +
		"Art5ABjUnDQ_JL69HH6VvLD6RVVBTQ-FRBZ_3HYKYOynx5BA7tJm1BRatF5FkBCv" +
		"q27i8nAc4vfjAb22o9CFvEW3FLaKAgOCncQ3Tnbz9CddH89n7DXw4kBFI8q5ugF_" +
		"aRIg5-i42W_hQinLaBhZ_zhAuE-nvltZnhDal8cX3T60lNoUrDOlirqEOXKO3gXC" +
		"Hpm3csZ6nabHYD1UCyHOmi2RsRpzjaiqjXdPbwPzQoh2DcYpavNrf1mtHiqTwLZD" +
		"TJIRHWHufJzHf-sw\",\"p\":\"ySeC3FtvzduDEL-FX4JqbRN06PdBhUmosCkymmbBj" +
		"riuLNpkGkG-1ex7r-M8neUBZbctmDdih6cpLZ8hjZv3eEDZ4b5Z2LqZnja4QvVoW" +
		"LUs4FbNN_PxJCR5H28uUfT6ThxqT0Nb2enb8Dyp0Qxvd7eJUeYz6jOt7pEK-ErTB" +
		"4M\",\"q\":\"vHG2Pd6QUH7vFZjJtXwmlVnrz5tdJvUPQvz7ggeM69cqhf4vLajzsqP" +
		"9GhJr7bEkp6vKVdZGmfEdiFRD8cssIZq651oAO5Wr7zZd2mR_hG9jZx78Davfuxr" +
		"4SZNN-bmoxO6dbDi-X2c7fvMI2YeJwL4groNKyiosdUYILTrYRIc\",\"dp\":\"h5Gq" +
		"f2rcokgEQGBjuigCJDtNuskRjoxDNV6-rRL99nt_X9lcR9nxjOnRvowOyXeTBoN7" +
		"JjCFpllBxm6ORYtNMO28KomIsimo6NmGPBJ7XfXVJek6bDBrX-l4_HeJJ1FM9SHv" +
		"gDYsjGQxh-rKpIqWAYBf-yOD758e5T85vndnXJM\",\"dq\":\"K9LiB-dfdmjenw4mM" +
		"p-JtYfw8Bn4gtvQzcpZjzbETgB-8iRXwm2dJvk-HjcUhHWCyb-I0YeAacKKFK9ME" +
		"conHDWIq87haPn4vyvMjcJ7aUgiPNQW1_MVl8TA4xNvudi0Z__5-jYEB9nRG0fX0" +
		"gbUQU-19_-uf-9o4WkE88fQjbc\",\"qi\":\"LEkTRqmomn9UiASeRfAKw-Z5q7cye9" +
		"CSL4luSexFvA3Du7Oin-sL9a7F3nJN4CuYzhtNMxQ0hM7k6ExzhDhXDlNRHxnNED" +
		"t81-CFRV98v7GVWVSH1KnaKf9wgegxSSm-x536ki2SI8EN4k4qkqRF0iLVHZK7Cg" +
		"nWMbtt6tnpp3k\"}",
	"rsa_key_4096": "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"uiLBz1SUgd4eQ0okg6tlPdk9QUhTsqXmiJX" +
		"ygWVFgzT45E5_RfkqvZ2fwAqQ8DvxkDTUWiKpeXMpPRNWG5GxuBuq9n7xdA1vn1e" +
		"Qi8LoekB28dg3MwMfozVSKCzyxG1f81xPE5x3EMVhCcx6hshhlMEHkzNNhE07d-o" +
		"RO87ZC0z_5L3Vh03uJBXaDKVlsgHAazoHLhn6G4odqv-ro54T6Nx1eEtyTnMmFY5" +
		"NDV4rN0SjQvSefbZZtsrtby8Z0JmeyvynmDwOINj7FpmPmpFLoWGXntc2yxPP8SH" +
		"nqfT9ESh94fxCMxRhDNohgpegRHyiYwj3M5ZYY6reCZYfOQONSWmc8ypNBMJqj4L" +
		"uJ2bTMGAFS17ZP4ZZWm5RP9ax100Dgk0yxP1UrybG5dCfJRQvHCncxG_aL6cSQu2" +
		"o4fXqlJsNHxk3FjHtV_CMZ3tqvGTvwrs4yxvKwKv6r3fRhKL01bGOePzp9THkHW2" +
		"-lzVj6kUwnxBdHGZE6fcAnczOdp8ZIEdV1w6ThimCm3Bw_TIyl3tkuxRWXpc_d6Q" +
		"4iiSVKGKCvUvfAlESpTA4tIhQkij-T9FEoj2WE2H1D35AKmjcfLCh6yszu8cmDNe" +
		"dn862pwnawE2RvRFAyuI113fLQeCbCztQ1JHuD8cnQt0hpGzReTa5UJ8OEOGIlyX" +
		"NdWZyTpk\",\"d\":\"G2ZW582AT-6xvz-IiP5fuJ9EMloygeuEeEo0aMJO3X3cfoUkn" +
		"JkNZtyvYa5cgBSe3la8hKkyD9_5K9WvGP9VLTAbdk4g_m-k5QyXiU9PeAGJ0Nd-Z" +
		"qq4y0Zj2eil8u7Tz0fhFxay-zvG6VGZnsIcBTD2C7_jUwyoaqJA17A_CHgU-ifMq" +
		"S56VgMGdlKZmf7Cg7ZGzM1DoS6vZ9bbfgoczaw4OZVHlg9Cxa0NICDi1S-sJcTLG" +
		"N_RLISKN5H0J54ZfzF6fUEn5kNykLTZrAvj2XV7g4UUOogn1cvjJYRcBVzTzQKcf" +
		"xbqo2DvymDGFZbQM6pj80rYJ5HFPh2EapjggPN8hXpNlTNDEvC84QFv0lo2E-0nV" +
		"WQqcyHtXd431O1JH2h5X822zKjXxkaztQSCj9YP7AdAeoxIaWOa3aO1vcwURH2WW" +
		"aNV-_KXVkPJNzfo9-bGYwblMw_RIqIkNBDayTb8rBuQHTCE_tSEHgoSnkityGpr8" +
		"j_vgA-Fa-SqmdqUlbklVpwA_Mq_UH7RCaqe91dWxRhS_7c85tFMRFCKOcaRXkwxE" +
		"pP2LD1AYe8yvVQlr0Se8_dRefuQcC-BECwMW-TCgR3VxAuL7ExNTYe4bhBD8WYXs" +
		"HP7wDXWX2Q4v7IRzjcfVIdpTNYuWEd69PvXBCuy75hmDniSmS3Xps3ItGU\",\"p\":" +
		"\"961BtLSIZkHO7Vu1KfaA3urcwGpISKJiTSB5Nh6npxJr9mSjzv_fe8VoxCX6CWG" +
		"Y0SEeQNUQ6ceTnAAxkSHtZJQGed598jBtxIexAWEE7oc9s9db0cWu4QWIVZYXrcO" +
		"TEWmK1kWN4PXmnnQknrWQF49adn81BaOXqoL-tahe7ffaXzXe0RXuohK543ZKbuu" +
		"HQ2TxqFG7CZpXiH_qn1Syao32u0V3iDFpmmCUVh9O2JCzfo8sAosTrnQwC0pXz3N" +
		"vr_9Cnk6bMluJoMrwB1Ywg_DPQ1WvpYHOURezEOqVC8Y3zrko199TMX2COKGNFgu" +
		"tVpnzxs2_h0PyINUmwrY4zQ\",\"q\":\"wGQRaxy_gBafbrVJy4f32O0a2FQHzmS--W" +
		"gHhoteDoF6ZAajLcV0GEvb-AVmFER1Wii62BFaFJOYQIegELvnBFFzD6oHJRX7bM" +
		"4m36G8J_TC1o9T1IFnxOpaoFDf4JWf2k7DCXClGg_zueyOD8fj8F6j2nqpOfytuL" +
		"mikHcWMcdGTHTCRtQmvOk3pm0uk2qR0cQb5L3Ocv45tCKr55tMc6Zx3DKkMt1kmU" +
		"wd2HFfk_0WM6R7q4LNGIjwl8dwiERppLKA8xao9i3jOOdFEfAD-Zqv8H-32cyHMg" +
		"6Guo4tPNAYSzcsz8nbEYPtKVVm-PDuM2cx0iaKnS8BIK2XTbzc_Q\",\"dp\":\"ZXLW" +
		"Iwp_hEMYWyjhP9r0VlqlKTtfeEDrOuQ-Qei0iz6EclwurK8p_yyRCSb1D7qmOaLz" +
		"HWMollllINUDeIsJDdWEAY8cz4L-sy1RV1tCBeHnaC6iMX5jb1Aw072y3T3qk4tD" +
		"jxjWUHroh6bTCR8dckkJqNfaBAFKMlGNuyLIH3kSPUV3ivUM1d4NvhnJyz02HmjO" +
		"gz9W-Uv65rJei_zJR9P2aCbAG00CEHXWzJ_uT86VdxV11WTaHu8Abt94sER8Tv6j" +
		"buyLrUjJSs9VGew32xNcEhya4ZQVyimG8zri6fu7CDXXgPS8wtzB5ihl_c2ypnJQ" +
		"4_GKrgEqwEAOrFqvUQ\",\"dq\":\"uzlmngcm8R6S3qi7fL7_2fG7uyPjSN5P3uR21l" +
		"8QFCu6kFbJO8S4muBP20hds4F_dlLGqXgRYo7TjpCtmztQsKoWv_ql41hGCfeAaw" +
		"a41WViqmxmlxmrgzzRHsw1YhgZrNgTAz_E290EQT3Mbd0HnCZtbDMMNisIYAj_A3" +
		"lwdtbHOaYyXb0dSZ_nkSUVO05tQ2aGAo8Xtl5ih0NqaQR_XNhwW2pI0lsTB__D15" +
		"tU-O5FSdJaq2ip8KNrBzmF8IYrDKTNykKWAKRdSEX_uFoLdD8t0mxn3SMluffa8v" +
		"djXJfh3GiASmHUt3HcPOooQEAufoWBPVJWeGqCvWtRH8yYfQ\",\"qi\":\"h-e9es5J" +
		"49OUF48gSXUI8cynZ8ydv5cThXc1deV3mil_7_7Hg8EjV3gAErO4l-irHJplFmHF" +
		"ZvU1ud4zs1gtBt5TA-EeeepYOHMSssWDvDK3WIzsM6C3vcNTSkT-ihaSFmPWHCVw" +
		"J1R3auWfeI2In3at0jd4t-OK-cCcGZXb790-EnyyDcdFTU9WfwVSOJffRGjoUYX8" +
		"DexavClv7CBzPhpdUzGoeyarNaG4z9MI8Q8txHyHgc_D70lZUum1cj0bZwgEj6yD" +
		"zOPzSgUmICFJiLDDj93oPaIv-5CQ_Ckju7icexc_kuuYTKBOLTj_vfaURnV3KCHu" +
		"l2UljUYOxkfeNQ\"}",
	"rsa_key_4096_no_optional": "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"uiLBz1SUgd4eQ0okg6tlPdk9QUhTsqXmiJX" +
		"ygWVFgzT45E5_RfkqvZ2fwAqQ8DvxkDTUWiKpeXMpPRNWG5GxuBuq9n7xdA1vn1e" +
		"Qi8LoekB28dg3MwMfozVSKCzyxG1f81xPE5x3EMVhCcx6hshhlMEHkzNNhE07d-o" +
		"RO87ZC0z_5L3Vh03uJBXaDKVlsgHAazoHLhn6G4odqv-ro54T6Nx1eEtyTnMmFY5" +
		"NDV4rN0SjQvSefbZZtsrtby8Z0JmeyvynmDwOINj7FpmPmpFLoWGXntc2yxPP8SH" +
		"nqfT9ESh94fxCMxRhDNohgpegRHyiYwj3M5ZYY6reCZYfOQONSWmc8ypNBMJqj4L" +
		"uJ2bTMGAFS17ZP4ZZWm5RP9ax100Dgk0yxP1UrybG5dCfJRQvHCncxG_aL6cSQu2" +
		"o4fXqlJsNHxk3FjHtV_CMZ3tqvGTvwrs4yxvKwKv6r3fRhKL01bGOePzp9THkHW2" +
		"-lzVj6kUwnxBdHGZE6fcAnczOdp8ZIEdV1w6ThimCm3Bw_TIyl3tkuxRWXpc_d6Q" +
		"4iiSVKGKCvUvfAlESpTA4tIhQkij-T9FEoj2WE2H1D35AKmjcfLCh6yszu8cmDNe" +
		"dn862pwnawE2RvRFAyuI113fLQeCbCztQ1JHuD8cnQt0hpGzReTa5UJ8OEOGIlyX" +
		"NdWZyTpk\",\"d\":\"G2ZW582AT-6xvz-IiP5fuJ9EMloygeuEeEo0aMJO3X3cfoUkn" +
		"JkNZtyvYa5cgBSe3la8hKkyD9_5K9WvGP9VLTAbdk4g_m-k5QyXiU9PeAGJ0Nd-Z" +
		"qq4y0Zj2eil8u7Tz0fhFxay-zvG6VGZnsIcBTD2C7_jUwyoaqJA17A_CHgU-ifMq" +
		"S56VgMGdlKZmf7Cg7ZGzM1DoS6vZ9bbfgoczaw4OZVHlg9Cxa0NICDi1S-sJcTLG" +
		"N_RLISKN5H0J54ZfzF6fUEn5kNykLTZrAvj2XV7g4UUOogn1cvjJYRcBVzTzQKcf" +
		"xbqo2DvymDGFZbQM6pj80rYJ5HFPh2EapjggPN8hXpNlTNDEvC84QFv0lo2E-0nV" +
		"WQqcyHtXd431O1JH2h5X822zKjXxkaztQSCj9YP7AdAeoxIaWOa3aO1vcwURH2WW" +
		"aNV-_KXVkPJNzfo9-bGYwblMw_RIqIkNBDayTb8rBuQHTCE_tSEHgoSnkityGpr8" +
		"j_vgA-Fa-SqmdqUlbklVpwA_Mq_UH7RCaqe91dWxRhS_7c85tFMRFCKOcaRXkwxE" +
		"pP2LD1AYe8yvVQlr0Se8_dRefuQcC-BECwMW-TCgR3VxAuL7ExNTYe4bhBD8WYXs" +
		"HP7wDXWX2Q4v7IRzjcfVIdpTNYuWEd69PvXBCuy75hmDniSmS3Xps3ItGU\",\"p\":" +
		"\"961BtLSIZkHO7Vu1KfaA3urcwGpISKJiTSB5Nh6npxJr9mSjzv_fe8VoxCX6CWG" +
		"Y0SEeQNUQ6ceTnAAxkSHtZJQGed598jBtxIexAWEE7oc9s9db0cWu4QWIVZYXrcO" +
		"TEWmK1kWN4PXmnnQknrWQF49adn81BaOXqoL-tahe7ffaXzXe0RXuohK543ZKbuu" +
		"HQ2TxqFG7CZpXiH_qn1Syao32u0V3iDFpmmCUVh9O2JCzfo8sAosTrnQwC0pXz3N" +
		"vr_9Cnk6bMluJoMrwB1Ywg_DPQ1WvpYHOURezEOqVC8Y3zrko199TMX2COKGNFgu" +
		"tVpnzxs2_h0PyINUmwrY4zQ\",\"q\":\"wGQRaxy_gBafbrVJy4f32O0a2FQHzmS--W" +
		"gHhoteDoF6ZAajLcV0GEvb-AVmFER1Wii62BFaFJOYQIegELvnBFFzD6oHJRX7bM" +
		"4m36G8J_TC1o9T1IFnxOpaoFDf4JWf2k7DCXClGg_zueyOD8fj8F6j2nqpOfytuL" +
		"mikHcWMcdGTHTCRtQmvOk3pm0uk2qR0cQb5L3Ocv45tCKr55tMc6Zx3DKkMt1kmU" +
		"wd2HFfk_0WM6R7q4LNGIjwl8dwiERppLKA8xao9i3jOOdFEfAD-Zqv8H-32cyHMg" +
		"6Guo4tPNAYSzcsz8nbEYPtKVVm-PDuM2cx0iaKnS8BIK2XTbzc_Q\"}",
	"rsa_oaep256_jose": "{ \"alg\":\"RSA-OAEP-256\",\"enc\":\"A128CBC-HS256\"}",
	"test1":            "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}",
	"test1_enc":        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9",
	"test2": "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\"" +
		":true}",
	"test2_enc": "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt" +
		"cGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
}
