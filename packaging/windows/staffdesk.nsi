; StaffDesk's setup for Windows, built by `make dist` (packaging/windows/build) with
; Debian's NSIS (3.08 or later, for !uninstfinalize):
;   makensis -DVERSION=0.1.0 -DBUILD=1 -DAPPDIR=dir-with-StaffDesk.exe -DOUTFILE=setup.exe
;            [-DICON=staffdesk.ico] [-DSIGN=packaging/windows/sign] staffdesk.nsi
; Per-user by default (no administrator needed: %LocalAppData%\Programs\StaffDesk);
; "Anyone who uses this computer" installs into Program Files. /S installs silently,
; /S /AllUsers silently for everyone. The uninstaller keeps the person's data
; (%AppData%\StaffDesk: the database, pin.key, the log).

Unicode true
Target amd64-unicode
ManifestDPIAware true

!define APP "StaffDesk"
!define PUBLISHER "StaffDesk"
!define EXE "StaffDesk.exe"
!define UNINSTALLER "Uninstall StaffDesk.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\StaffDesk"
!define URL_KEY "Software\Classes\staffdesk"

!ifndef VERSION | BUILD | APPDIR | OUTFILE
  !error "makensis needs -DVERSION= -DBUILD= -DAPPDIR= -DOUTFILE="
!endif

Name "${APP}"
OutFile "${OUTFILE}"
BrandingText "${APP} ${VERSION}"
SetCompressor /SOLID lzma
VIProductVersion "${VERSION}.${BUILD}"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}.${BUILD}"
VIAddVersionKey "FileDescription" "${APP} setup"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "© ${PUBLISHER}"

; The uninstaller is written while the setup is built: sign it then, when signing.
!ifdef SIGN
  !uninstfinalize '"${SIGN}" "%1"' = 0
!endif

!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_INSTALLMODE_DEFAULT_CURRENTUSER
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APP}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${UNINSTALL_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallLocation"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${UNINSTALL_KEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallLocation"
!include MultiUser.nsh
!include MUI2.nsh
!include FileFunc.nsh
!include x64.nsh

!define MUI_ABORTWARNING
!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${APP} now"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "${APP} will be removed from this computer. Your practice's data (the database, its key and the log in %AppData%\${APP}) stays, for when ${APP} is installed again."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APP} needs 64-bit Windows."
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "${APP}" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${APPDIR}\${EXE}"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${EXE}"

  ; staffdesk: links (in the activation and reset emails) open StaffDesk with the link
  ; as its first argument. SHCTX is HKCU for this user, HKLM for everyone.
  WriteRegStr SHCTX "${URL_KEY}" "" "URL:StaffDesk link"
  WriteRegStr SHCTX "${URL_KEY}" "URL Protocol" ""
  WriteRegStr SHCTX "${URL_KEY}\DefaultIcon" "" '"$INSTDIR\${EXE}",0'
  WriteRegStr SHCTX "${URL_KEY}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'

  ; Add/Remove Programs (Settings → Apps)
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" '"$INSTDIR\${EXE}",0'
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S /$MultiUser.InstallMode'
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "Desktop shortcut" SecDesktop
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\${EXE}"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "${APP} itself, a Start-menu shortcut, and staffdesk: links from the emails."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "A shortcut to ${APP} on the desktop."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; The person's data is not the program's: $APPDATA\StaffDesk is left as it is.
Section "Uninstall"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$DESKTOP\${APP}.lnk"
  DeleteRegKey SHCTX "${URL_KEY}"
  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
SectionEnd
